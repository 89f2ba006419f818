import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LayoutConfig, TileConfig } from '../../../src/core/config/types';
import { ConfigError } from '../../../src/core/errors';
import { checkTilesFit } from '../../../src/core/layout/checkTilesFit';
import { resolveLayout } from '../../../src/core/layout/resolveLayout';
import type { Tile } from '../../../src/core/layout/tile';

const fullHd = { width: 1920, height: 1080 };
const tile = (x: number, y: number, width: number, height: number): Tile => ({
  camera: 'a',
  x,
  y,
  width,
  height,
  fit: 'stretch',
  stream: 'auto',
});
/** As a validated layout holds it: with the schema's defaults. */
const written = (t: Tile): TileConfig => ({ ...t, rotateMs: 10000 });

describe('checkTilesFit', () => {
  const cases: { name: string; tile: Tile; reasons: string[] }[] = [
    { name: 'the whole canvas', tile: tile(0, 0, 1920, 1080), reasons: [] },
    {
      name: 'past the right edge',
      tile: tile(1520, 0, 480, 1080),
      reasons: ['extends past the canvas (x + width = 2000 > output.width 1920)'],
    },
    {
      name: 'past the bottom edge',
      tile: tile(0, 600, 480, 600),
      reasons: ['extends past the canvas (y + height = 1200 > output.height 1080)'],
    },
    {
      name: 'left of the canvas',
      tile: tile(-2, 0, 480, 540),
      reasons: ['starts outside the canvas (x = -2, y = 0)'],
    },
    { name: 'no width', tile: tile(0, 0, 0, 540), reasons: ['must have a positive size (0x540)'] },
    { name: 'negative height', tile: tile(0, 0, 480, -4), reasons: ['must have a positive size (480x-4)'] },
    {
      name: 'odd edges',
      tile: tile(1, 0, 479, 540),
      reasons: ['must have even x, y, width and height (x = 1, width = 479)'],
    },
  ];
  for (const { name, tile: t, reasons } of cases) {
    it(name, () => {
      const issues = checkTilesFit([tile(0, 0, 2, 2), t], fullHd);
      assert.deepEqual(
        issues,
        reasons.map((reason) => ({ field: 'layout.tiles[1]', reason })),
      );
    });
  }

  it('allows overlapping tiles (picture-in-picture)', () => {
    assert.deepEqual(checkTilesFit([tile(0, 0, 1920, 1080), tile(1440, 810, 480, 270)], fullHd), []);
  });
});

describe('resolveLayout with explicit tiles', () => {
  it('returns the tiles as written', () => {
    const layout: LayoutConfig = { tiles: [written({ ...tile(0, 0, 480, 1080), fit: 'contain' })] };
    assert.deepEqual(resolveLayout(layout, fullHd, ['a']), [{ ...tile(0, 0, 480, 1080), fit: 'contain' }]);
  });

  it('rejects tiles outside the canvas and unknown cameras, naming each field', () => {
    const layout: LayoutConfig = {
      tiles: [written(tile(0, 0, 480, 1080)), written({ ...tile(1520, 0, 480, 1080), camera: 'x' })],
    };
    assert.throws(
      () => resolveLayout(layout, fullHd, ['a']),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.deepEqual(error.issues, [
          { field: 'layout.tiles[1].camera', reason: 'no camera named "x"' },
          {
            field: 'layout.tiles[1]',
            reason: 'extends past the canvas (x + width = 2000 > output.width 1920)',
          },
        ]);
        return true;
      },
    );
  });

  it('names unknown cameras of presets by their place in the list', () => {
    const cases: { layout: LayoutConfig; field: string }[] = [
      { layout: { preset: 'grid', cameras: ['a', 'x'], fit: 'stretch' }, field: 'layout.cameras[1]' },
      {
        layout: { preset: 'classic4', cameras: ['a', 'a', 'a', 'x'], fit: 'stretch' },
        field: 'layout.cameras[3]',
      },
      { layout: { preset: 'focus', camera: 'x', fit: 'stretch' }, field: 'layout.camera' },
      { layout: { preset: '1+N', cameras: ['x', 'a'], fit: 'stretch' }, field: 'layout.cameras[0]' },
    ];
    for (const { layout, field } of cases) {
      assert.throws(() => resolveLayout(layout, fullHd, ['a']), {
        issues: [{ field, reason: 'no camera named "x"' }],
      });
    }
  });
});
