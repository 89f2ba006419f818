import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LayoutConfig } from '../../../src/core/config/types';
import { resolveLayout } from '../../../src/core/layout/resolveLayout';
import { assertCoversCanvas, assertDisjointInside, rects } from './tileGeometry';

const fullHd = { width: 1920, height: 1080 };
const names = (count: number) => Array.from({ length: count }, (_, i) => `cam${i + 1}`);
const grid = (count: number): LayoutConfig => ({ preset: 'grid', cameras: names(count), fit: 'contain' });

describe('classic4', () => {
  it('gives the original rectangles on 1920x1080', () => {
    const layout: LayoutConfig = { preset: 'classic4', cameras: ['l', 't', 'b', 'r'], fit: 'stretch' };
    assert.deepEqual(rects(resolveLayout(layout, fullHd, ['l', 't', 'b', 'r'])), [
      { camera: 'l', x: 0, y: 0, width: 480, height: 1080 },
      { camera: 't', x: 480, y: 0, width: 960, height: 540 },
      { camera: 'b', x: 480, y: 540, width: 960, height: 540 },
      { camera: 'r', x: 1440, y: 0, width: 480, height: 1080 },
    ]);
  });

  it('scales with the canvas and still covers it', () => {
    for (const canvas of [
      { width: 1280, height: 720 },
      { width: 1002, height: 566 },
      { width: 64, height: 64 },
    ]) {
      const layout: LayoutConfig = { preset: 'classic4', cameras: names(4), fit: 'cover' };
      const tiles = resolveLayout(layout, canvas, names(4));
      assertCoversCanvas(tiles, canvas, `${canvas.width}x${canvas.height}`);
      assert.ok(tiles.every((t) => t.fit === 'cover'));
    }
  });
});

describe('grid', () => {
  const cases = [
    { count: 4, canvas: fullHd, tile: [960, 540] },
    { count: 9, canvas: fullHd, tile: [640, 360] },
    { count: 16, canvas: { width: 1280, height: 720 }, tile: [320, 180] },
    { count: 1, canvas: fullHd, tile: [1920, 1080] },
  ];
  for (const { count, canvas, tile } of cases) {
    it(`${count} cameras on ${canvas.width}x${canvas.height} → tiles of ${tile.join('x')}`, () => {
      const tiles = resolveLayout(grid(count), canvas, names(count));
      assert.equal(tiles.length, count);
      assert.ok(tiles.every((t) => t.width === tile[0] && t.height === tile[1]));
      assert.deepEqual(
        tiles.map((t) => t.camera),
        names(count),
        'reading order',
      );
      assertCoversCanvas(tiles, canvas, `grid ${count}`);
    });
  }

  // Cells of the canvas's shape, so a 16:9 camera on a 16:9 canvas is never squeezed (2 cameras
  // were 960x1080) nor stretched (the third of 3 was 1920x540); the rest of the canvas is black.
  const shaped = [
    {
      count: 2,
      rects: [
        { camera: 'cam1', x: 0, y: 270, width: 960, height: 540 },
        { camera: 'cam2', x: 960, y: 270, width: 960, height: 540 },
      ],
    },
    {
      count: 3,
      rects: [
        { camera: 'cam1', x: 0, y: 0, width: 960, height: 540 },
        { camera: 'cam2', x: 960, y: 0, width: 960, height: 540 },
        { camera: 'cam3', x: 480, y: 540, width: 960, height: 540 },
      ],
    },
    {
      count: 5,
      rects: [
        { camera: 'cam1', x: 0, y: 180, width: 640, height: 360 },
        { camera: 'cam2', x: 640, y: 180, width: 640, height: 360 },
        { camera: 'cam3', x: 1280, y: 180, width: 640, height: 360 },
        { camera: 'cam4', x: 320, y: 540, width: 640, height: 360 },
        { camera: 'cam5', x: 960, y: 540, width: 640, height: 360 },
      ],
    },
  ];
  for (const { count, rects: expected } of shaped) {
    it(`${count} cameras on 1920x1080: 16:9 cells, centred, none spanning a row`, () => {
      assert.deepEqual(rects(resolveLayout(grid(count), fullHd, names(count))), expected);
    });
  }

  for (const [count, rowSizes] of [
    [5, [3, 2]],
    [7, [3, 2, 2]],
  ] as const) {
    it(`${count} cameras in rows of ${rowSizes.join(', ')}, every cell the same size`, () => {
      const tiles = resolveLayout(grid(count), fullHd, names(count));
      assertDisjointInside(tiles, fullHd, `grid ${count}`);
      const perRow = [...new Set(tiles.map((t) => t.y))].map((y) => tiles.filter((t) => t.y === y).length);
      assert.deepEqual(perRow, rowSizes);
      assert.equal(new Set(tiles.map((t) => `${t.width}x${t.height}`)).size, 1);
    });
  }

  it('defaults to a grid of every camera in config order, contained', () => {
    const tiles = resolveLayout(undefined, fullHd, ['a', 'b', 'c', 'd']);
    assert.deepEqual(
      rects(tiles),
      rects(resolveLayout(grid(4), fullHd, names(4))).map((t, i) => ({ ...t, camera: 'abcd'[i] })),
    );
    assert.ok(tiles.every((t) => t.fit === 'contain'));
  });

  it('with columns is a regular grid whose spare cells stay black', () => {
    const layout: LayoutConfig = { preset: 'grid', cameras: names(3), columns: 2, rows: 2, fit: 'contain' };
    assert.deepEqual(rects(resolveLayout(layout, fullHd, names(3))), [
      { camera: 'cam1', x: 0, y: 0, width: 960, height: 540 },
      { camera: 'cam2', x: 960, y: 0, width: 960, height: 540 },
      { camera: 'cam3', x: 0, y: 540, width: 960, height: 540 },
    ]);
  });

  it('with rows only spreads the cameras over those rows, in cells of the canvas shape', () => {
    const layout: LayoutConfig = { preset: 'grid', cameras: names(4), rows: 1, fit: 'contain' };
    assert.deepEqual(rects(resolveLayout(layout, fullHd, names(4))), [
      { camera: 'cam1', x: 0, y: 404, width: 480, height: 270 },
      { camera: 'cam2', x: 480, y: 404, width: 480, height: 270 },
      { camera: 'cam3', x: 960, y: 404, width: 480, height: 270 },
      { camera: 'cam4', x: 1440, y: 404, width: 480, height: 270 },
    ]);
  });

  it('on a portrait canvas, tall cells', () => {
    const portrait = { width: 1080, height: 1920 };
    const layout: LayoutConfig = { preset: 'grid', cameras: names(2), rows: 2, fit: 'contain' };
    assert.deepEqual(rects(resolveLayout(layout, portrait, names(2))), [
      { camera: 'cam1', x: 270, y: 0, width: 540, height: 960 },
      { camera: 'cam2', x: 270, y: 960, width: 540, height: 960 },
    ]);
  });
});

describe('focus', () => {
  it('shows one camera on the whole canvas', () => {
    const tiles = resolveLayout({ preset: 'focus', camera: 'b', fit: 'contain' }, fullHd, ['a', 'b']);
    assert.deepEqual(tiles, [
      { camera: 'b', x: 0, y: 0, width: 1920, height: 1080, fit: 'contain', stream: 'auto' },
    ]);
  });
});

describe('1+N', () => {
  it('1+5: big tile on 2/3 of each side, five along the right and bottom', () => {
    const layout: LayoutConfig = { preset: '1+N', cameras: names(6), fit: 'stretch' };
    const tiles = resolveLayout(layout, fullHd, names(6));
    assert.deepEqual(rects(tiles), [
      { camera: 'cam1', x: 0, y: 0, width: 1280, height: 720 },
      { camera: 'cam2', x: 1280, y: 0, width: 640, height: 360 },
      { camera: 'cam3', x: 1280, y: 360, width: 640, height: 360 },
      { camera: 'cam4', x: 0, y: 720, width: 640, height: 360 },
      { camera: 'cam5', x: 640, y: 720, width: 640, height: 360 },
      { camera: 'cam6', x: 1280, y: 720, width: 640, height: 360 },
    ]);
    assertCoversCanvas(tiles, fullHd, '1+5');
  });

  it('1+7: big tile on 3/4 of each side, seven small tiles, canvas covered', () => {
    const layout: LayoutConfig = { preset: '1+N', cameras: names(8), fit: 'stretch' };
    const tiles = resolveLayout(layout, fullHd, names(8));
    assert.deepEqual(rects(tiles)[0], { camera: 'cam1', x: 0, y: 0, width: 1440, height: 810 });
    assert.equal(tiles.length, 8);
    assertCoversCanvas(tiles, fullHd, '1+7');
  });

  it('stays inside and disjoint for every N, leaving spare cells black', () => {
    for (const canvas of [fullHd, { width: 1280, height: 720 }, { width: 64, height: 64 }]) {
      for (let small = 1; small <= 63; small++) {
        const layout: LayoutConfig = { preset: '1+N', cameras: names(small + 1), fit: 'stretch' };
        const tiles = resolveLayout(layout, canvas, names(small + 1));
        assert.equal(tiles.length, small + 1);
        assertDisjointInside(tiles, canvas, `1+${small} on ${canvas.width}x${canvas.height}`);
        const [big, ...rest] = tiles;
        assert.ok(
          rest.every((t) => t.width * t.height < big.width * big.height),
          `1+${small}: big is biggest`,
        );
      }
    }
  });
});
