import assert from 'node:assert/strict';
import type { Canvas } from '../../../src/core/layout/canvas';
import type { Tile } from '../../../src/core/layout/tile';

/** Shared checks for layout tests: what the compositor needs from any set of tiles. */

function overlaps(a: Tile, b: Tile): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

const describeTile = (t: Tile) => `${t.camera} ${t.width}x${t.height}@(${t.x},${t.y})`;

/** Inside the canvas, positive, even-aligned, and no two tiles share a pixel. */
export function assertDisjointInside(tiles: readonly Tile[], canvas: Canvas, label: string): void {
  for (const t of tiles) {
    const where = `${label}: ${describeTile(t)}`;
    assert.ok(t.width > 0 && t.height > 0, `${where} is empty`);
    assert.ok(t.x >= 0 && t.y >= 0, `${where} starts outside`);
    assert.ok(t.x + t.width <= canvas.width && t.y + t.height <= canvas.height, `${where} leaves`);
    for (const v of [t.x, t.y, t.width, t.height]) assert.equal(v % 2, 0, `${where} is not even`);
  }
  tiles.forEach((a, i) =>
    tiles.slice(i + 1).forEach((b) => {
      assert.ok(!overlaps(a, b), `${label}: ${describeTile(a)} overlaps ${describeTile(b)}`);
    }),
  );
}

/** Disjoint and inside, and together every pixel of the canvas: nothing left black. */
export function assertCoversCanvas(tiles: readonly Tile[], canvas: Canvas, label: string): void {
  assertDisjointInside(tiles, canvas, label);
  const area = tiles.reduce((sum, t) => sum + t.width * t.height, 0);
  assert.equal(area, canvas.width * canvas.height, `${label}: tiles leave a hole`);
}

/**
 * Every tile has the canvas's shape, within the 2-pixel steps of even edges: a picture of that
 * shape neither distorts nor leaves bars in it.
 */
export function assertCanvasShaped(tiles: readonly Tile[], canvas: Canvas, label: string): void {
  for (const t of tiles) {
    // Width the tile would have at the canvas's exact aspect, against its even-rounded width.
    const exactWidth = (t.height * canvas.width) / canvas.height;
    const slack = 2 + (2 * canvas.width) / canvas.height;
    assert.ok(
      Math.abs(t.width - exactWidth) <= slack,
      `${label}: ${describeTile(t)} is not shaped like ${canvas.width}x${canvas.height}`,
    );
  }
}

/** The tiles' bounding box and each row of tiles are centred, within an even pixel. */
export function assertCentred(tiles: readonly Tile[], canvas: Canvas, label: string): void {
  const top = Math.min(...tiles.map((t) => t.y));
  const bottom = Math.max(...tiles.map((t) => t.y + t.height));
  assert.ok(Math.abs(top - (canvas.height - bottom)) <= 2, `${label}: not centred vertically`);
  for (const y of new Set(tiles.map((t) => t.y))) {
    const row = tiles.filter((t) => t.y === y);
    const left = Math.min(...row.map((t) => t.x));
    const right = Math.max(...row.map((t) => t.x + t.width));
    assert.ok(Math.abs(left - (canvas.width - right)) <= 2, `${label}: the row at y=${y} is not centred`);
  }
}

/** The rectangles alone, for comparing with a table. */
export const rects = (tiles: readonly Tile[]) =>
  tiles.map(({ camera, x, y, width, height }) => ({ camera, x, y, width, height }));
