import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LayoutConfig } from '../../../src/core/config/types';
import { presetNames } from '../../../src/core/layout';
import { checkTilesFit } from '../../../src/core/layout/checkTilesFit';
import { resolveLayout } from '../../../src/core/layout/resolveLayout';
import { assertCanvasShaped, assertCentred, assertCoversCanvas, assertDisjointInside } from './tileGeometry';

// Plain loops over many sizes and counts instead of a property-testing library: the space is
// small enough to walk, and a failure names the exact case.
const canvases = [
  { width: 1920, height: 1080 },
  { width: 1280, height: 720 },
  { width: 640, height: 480 },
  { width: 1002, height: 566 },
  { width: 7680, height: 4320 },
  { width: 64, height: 64 },
  { width: 720, height: 1280 },
];
const names = (count: number) => Array.from({ length: count }, (_, i) => `cam${i + 1}`);

describe('grid properties', () => {
  it('1 to 16 cameras: disjoint, inside, even-aligned, cells of the canvas shape, centred', () => {
    for (const canvas of canvases) {
      for (let count = 1; count <= 16; count++) {
        const layout: LayoutConfig = { preset: 'grid', cameras: names(count), fit: 'contain' };
        const tiles = resolveLayout(layout, canvas, names(count));
        const label = `grid ${count} on ${canvas.width}x${canvas.height}`;
        assert.equal(tiles.length, count, label);
        assertDisjointInside(tiles, canvas, label);
        assertCanvasShaped(tiles, canvas, label);
        assertCentred(tiles, canvas, label);
        // A square number of cameras fills a square grid: the whole canvas, nothing black.
        if (Number.isInteger(Math.sqrt(count))) assertCoversCanvas(tiles, canvas, label);
      }
    }
  });

  it('up to 64 cameras with any forced rows or columns: disjoint and inside', () => {
    for (const canvas of canvases.slice(0, 3)) {
      for (const count of [1, 3, 8, 17, 33, 64]) {
        for (const shape of [
          { rows: 1 },
          { columns: 5 },
          { rows: 3, columns: 22 },
          { rows: 8, columns: 8 },
        ]) {
          const layout: LayoutConfig = { preset: 'grid', cameras: names(count), fit: 'contain', ...shape };
          const label = `grid ${count} ${JSON.stringify(shape)} on ${canvas.width}x${canvas.height}`;
          const tiles = resolveLayout(layout, canvas, names(count));
          assert.equal(tiles.length, count, label);
          assertDisjointInside(tiles, canvas, label);
          assertCanvasShaped(tiles, canvas, label);
        }
      }
    }
  });

  it('every preset fits even the smallest canvas with the most cameras', () => {
    const smallest = { width: 64, height: 64 };
    const most = names(64);
    const layouts: LayoutConfig[] = [
      { preset: 'grid', cameras: most, fit: 'contain' },
      { preset: 'classic4', cameras: most.slice(0, 4), fit: 'contain' },
      { preset: 'focus', camera: 'cam1', fit: 'contain' },
      { preset: '1+N', cameras: most, fit: 'contain' },
      { preset: 'auto', cameras: most.slice(0, 16), holdMs: 10000, quietMs: 30000, fit: 'contain' },
    ];
    assert.deepEqual(
      layouts.map((l) => ('preset' in l ? l.preset : '')),
      presetNames,
    );
    for (const layout of layouts) {
      assert.deepEqual(checkTilesFit(resolveLayout(layout, smallest, most), smallest), []);
    }
  });
});
