import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateLayout } from '../../../src/core/config/validateConfig';
import { ConfigError } from '../../../src/core/errors';

const fullHd = { width: 1920, height: 1080 };
const cameras = ['left', 'top', 'bottom', 'right'];

describe('validateLayout', () => {
  it('resolves a preset with its defaults applied', () => {
    const tiles = validateLayout({ preset: 'classic4', cameras }, fullHd, cameras);
    assert.equal(tiles.length, 4);
    assert.ok(tiles.every((t) => t.fit === 'contain'));
  });

  it('resolves explicit tiles, leaving the request untouched', () => {
    const request = { tiles: [{ camera: 'top', x: 0, y: 0, width: 1920, height: 1080 }] };
    const before = structuredClone(request);
    assert.deepEqual(validateLayout(request, fullHd, cameras), [
      { camera: 'top', x: 0, y: 0, width: 1920, height: 1080, fit: 'contain', stream: 'auto' },
    ]);
    assert.deepEqual(request, before);
  });

  const rows: { layout: unknown; field: string; reason: string }[] = [
    {
      layout: { tiles: [{ camera: 'left', x: 1, y: 0, width: 2, height: 2 }] },
      field: 'layout.tiles[0].x',
      reason: 'must be an even number',
    },
    {
      layout: { tiles: [{ camera: 'left', x: 0, y: 0, width: 2000, height: 2 }] },
      field: 'layout.tiles[0]',
      reason: 'extends past the canvas (x + width = 2000 > output.width 1920)',
    },
    { layout: { preset: 'focus', camera: 'nope' }, field: 'layout.camera', reason: 'no camera named "nope"' },
    {
      layout: { preset: 'grid', rows: 1, columns: 2 },
      field: 'layout',
      reason: '1 rows x 2 columns hold 2 cameras, not 4',
    },
    {
      layout: { preset: 'zoom' },
      field: 'layout.preset',
      reason: 'must be one of grid, classic4, focus, 1+N, auto',
    },
    { layout: null, field: 'layout', reason: 'must be an object' },
    { layout: { preset: 'grid', extra: 1 }, field: 'layout.extra', reason: 'unknown property' },
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

  it('masks a URL with a password sent as a camera name', () => {
    assert.throws(
      () => validateLayout({ preset: 'focus', camera: 'rtsp://u:hunter2@h/x' }, fullHd, cameras),
      {
        message: 'layout.camera: no camera named "rtsp://u:***@h/x"',
      },
    );
  });
});
