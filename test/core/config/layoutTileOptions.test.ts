import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tileCameraReasons } from '../../../src/core/config/layoutSchema';
import type { LayoutConfig } from '../../../src/core/config/types';
import { validateLayout } from '../../../src/core/config/validateConfig';
import { ConfigError } from '../../../src/core/errors';
import { resolveLayout } from '../../../src/core/layout/resolveLayout';
import { presetNames } from '../../../src/core/layout';

/** Issue 11's layout additions: timeshare, stream, label and clock per tile, the `auto` preset. */

const fullHd = { width: 1920, height: 1080 };
const cameras = ['a', 'b', 'c', 'd'];
const at = { x: 0, y: 0, width: 960, height: 540 };
const names = (count: number) => Array.from({ length: count }, (_, i) => `cam${i + 1}`);

describe('layout tile options and the auto preset: errors', () => {
  const rows: { layout: unknown; field: string; reason: string }[] = [
    {
      layout: { tiles: [{ ...at, camera: 'c', cameras: ['a', 'b'] }] },
      field: 'layout.tiles[0].camera',
      reason: tileCameraReasons.both,
    },
    { layout: { tiles: [{ ...at }] }, field: 'layout.tiles[0].camera', reason: tileCameraReasons.neither },
    {
      layout: { tiles: [{ ...at, cameras: [] }] },
      field: 'layout.tiles[0].cameras',
      reason: 'must have at least 1 item',
    },
    {
      layout: { tiles: [{ ...at, cameras: Array(17).fill('a') }] },
      field: 'layout.tiles[0].cameras',
      reason: 'must have at most 16 items',
    },
    {
      layout: { tiles: [{ ...at, cameras: ['a', ''] }] },
      field: 'layout.tiles[0].cameras[1]',
      reason: 'must be at least 1 character long',
    },
    {
      layout: { tiles: [{ ...at, cameras: ['a', 'x'] }] },
      field: 'layout.tiles[0].cameras[1]',
      reason: 'no camera named "x"',
    },
    {
      layout: { tiles: [{ ...at, cameras: ['a', 'b'], rotateMs: 999 }] },
      field: 'layout.tiles[0].rotateMs',
      reason: 'must be >= 1000',
    },
    {
      layout: { tiles: [{ ...at, cameras: ['a', 'b'], rotateMs: 1500.5 }] },
      field: 'layout.tiles[0].rotateMs',
      reason: 'must be an integer',
    },
    {
      layout: { tiles: [{ ...at, camera: 'a', stream: 'hd' }] },
      field: 'layout.tiles[0].stream',
      reason: 'must be one of auto, main, sub',
    },
    {
      layout: { tiles: [{ ...at, camera: 'a', label: 'yes' }] },
      field: 'layout.tiles[0].label',
      reason: 'must be true or false',
    },
    {
      layout: { tiles: [{ ...at, camera: 'a', clock: 1 }] },
      field: 'layout.tiles[0].clock',
      reason: 'must be true or false',
    },
    { layout: { preset: 'auto' }, field: 'layout.cameras', reason: 'is required' },
    {
      layout: { preset: 'auto', cameras: ['a'] },
      field: 'layout.cameras',
      reason: 'must have at least 2 items',
    },
    {
      layout: { preset: 'auto', cameras: Array(17).fill('a') },
      field: 'layout.cameras',
      reason: 'must have at most 16 items',
    },
    {
      layout: { preset: 'auto', cameras: ['a', 'x'] },
      field: 'layout.cameras[1]',
      reason: 'no camera named "x"',
    },
    { layout: { preset: 'auto', cameras, holdMs: -1 }, field: 'layout.holdMs', reason: 'must be >= 0' },
    { layout: { preset: 'auto', cameras, quietMs: 999 }, field: 'layout.quietMs', reason: 'must be >= 1000' },
    {
      layout: { preset: 'auto', cameras, quietMs: '30s' },
      field: 'layout.quietMs',
      reason: 'must be an integer',
    },
    {
      layout: { preset: 'auto', cameras, rotateMs: 1000 },
      field: 'layout.rotateMs',
      reason: 'unknown property',
    },
    {
      layout: { preset: '1+N', cameras, holdMs: 1000 },
      field: 'layout.holdMs',
      reason: 'unknown property',
    },
  ];
  for (const { layout, field, reason } of rows) {
    it(`${JSON.stringify(layout)} → ${field}: ${reason}`, () => {
      assert.throws(
        () => validateLayout(layout, fullHd, cameras),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError);
          assert.deepEqual(error.issues, [{ field, reason }]);
          return true;
        },
      );
    });
  }

  it('a timeshare tile read back (camera = its first camera) is accepted as it was', () => {
    const [tile] = validateLayout(
      { tiles: [{ ...at, cameras: ['b', 'c'], rotateMs: 2000 }] },
      fullHd,
      cameras,
    );
    assert.deepEqual(validateLayout({ tiles: [tile] }, fullHd, cameras), [tile]);
  });

  it('a typed layout that skipped the schema gets the same words', () => {
    const both: LayoutConfig = {
      tiles: [{ ...at, camera: 'a', cameras: ['b'], rotateMs: 10000, stream: 'auto', fit: 'stretch' }],
    };
    assert.throws(() => resolveLayout(both, fullHd, cameras), {
      issues: [{ field: 'layout.tiles[0].camera', reason: tileCameraReasons.both }],
    });
    const neither: LayoutConfig = { tiles: [{ ...at, rotateMs: 10000, stream: 'auto', fit: 'stretch' }] };
    assert.throws(() => resolveLayout(neither, fullHd, cameras), {
      issues: [{ field: 'layout.tiles[0].camera', reason: tileCameraReasons.neither }],
    });
  });
});

describe('layout tile options and the auto preset: resolved tiles', () => {
  const plain = { ...at, fit: 'contain', stream: 'auto' };
  const rows: { name: string; tile: Record<string, unknown>; resolved: Record<string, unknown> }[] = [
    { name: 'a plain tile gains only stream', tile: { camera: 'b' }, resolved: { camera: 'b', ...plain } },
    {
      name: 'a timeshare tile shows its first camera and keeps the list, with the default interval',
      tile: { cameras: ['c', 'a'] },
      resolved: { camera: 'c', cameras: ['c', 'a'], rotateMs: 10000, ...plain },
    },
    {
      name: 'a timeshare tile of one camera is still a timeshare tile',
      tile: { cameras: ['d'], rotateMs: 1000 },
      resolved: { camera: 'd', cameras: ['d'], rotateMs: 1000, ...plain },
    },
    {
      name: 'rotateMs without cameras is dropped',
      tile: { camera: 'a', rotateMs: 5000 },
      resolved: { camera: 'a', ...plain },
    },
    {
      name: 'stream main',
      tile: { camera: 'a', stream: 'main' },
      resolved: { camera: 'a', ...plain, stream: 'main' },
    },
    {
      name: 'stream sub',
      tile: { camera: 'a', stream: 'sub' },
      resolved: { camera: 'a', ...plain, stream: 'sub' },
    },
    {
      name: 'label and clock only when given, false included',
      tile: { camera: 'a', label: false, clock: true },
      resolved: { camera: 'a', ...plain, label: false, clock: true },
    },
    {
      name: 'everything at once',
      tile: { cameras: ['a', 'b'], rotateMs: 30000, stream: 'sub', label: true, fit: 'cover' },
      resolved: {
        camera: 'a',
        cameras: ['a', 'b'],
        rotateMs: 30000,
        ...plain,
        stream: 'sub',
        label: true,
        fit: 'cover',
      },
    },
  ];
  for (const { name, tile, resolved } of rows) {
    it(name, () => {
      assert.deepEqual(validateLayout({ tiles: [{ ...at, ...tile }] }, fullHd, cameras), [resolved]);
    });
  }

  it("a resolved timeshare tile does not share the layout's array", () => {
    const layout: LayoutConfig = {
      tiles: [{ ...at, cameras: ['a', 'b'], rotateMs: 10000, stream: 'auto', fit: 'stretch' }],
    };
    const [tile] = resolveLayout(layout, fullHd, cameras);
    tile?.cameras?.push('c');
    assert.deepEqual('tiles' in layout && layout.tiles[0]?.cameras, ['a', 'b']);
  });

  it('auto resolves like 1+N of the same cameras, the first big, with its defaults', () => {
    for (const count of [2, 4, 6, 16]) {
      const list = names(count);
      const auto = validateLayout({ preset: 'auto', cameras: list }, fullHd, list);
      assert.deepEqual(auto, validateLayout({ preset: '1+N', cameras: list }, fullHd, list));
      assert.equal(auto[0]?.camera, 'cam1');
      assert.ok(auto.every((t) => t.stream === 'auto' && t.fit === 'contain'));
    }
  });

  it('every preset gives stream auto and no per-tile extras', () => {
    const layouts: Record<string, unknown> = {
      grid: { preset: 'grid' },
      classic4: { preset: 'classic4', cameras },
      focus: { preset: 'focus', camera: 'a' },
      '1+N': { preset: '1+N', cameras },
      auto: { preset: 'auto', cameras },
    };
    assert.deepEqual(Object.keys(layouts), [...presetNames]);
    for (const [preset, layout] of Object.entries(layouts)) {
      for (const tile of validateLayout(layout, fullHd, cameras)) {
        assert.deepEqual(
          Object.keys(tile).sort(),
          ['camera', 'fit', 'height', 'stream', 'width', 'x', 'y'],
          preset,
        );
        assert.equal(tile.stream, 'auto', preset);
      }
    }
  });
});
