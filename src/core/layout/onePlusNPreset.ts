import type { Canvas } from './canvas';
import { splitEqually } from './splitEven';
import type { FitMode, Tile } from './tile';

/**
 * The "1+N" split of surveillance monitors. The canvas is a grid of (k+1) x (k+1) cells; the
 * first camera takes the k x k block at the top left and the others fill the 2k+1 cells along the
 * right column and the bottom row in reading order: 1+5 on 3x3 (the big tile is 2/3 of each
 * side), 1+7 on 4x4, 1+9 on 5x5. k is the smallest that holds every small camera but at least 2,
 * so the big tile stays big; cells left over (1+3 uses 3 of 5) stay black by design.
 */
export function onePlusNTiles(cameras: readonly string[], canvas: Canvas, fit: FitMode): Tile[] {
  const [big, ...small] = cameras;
  if (big === undefined) return [];
  const bigCells = Math.max(2, Math.ceil((small.length - 1) / 2));
  const cellsPerSide = bigCells + 1;
  const columns = splitEqually(canvas.width, cellsPerSide);
  const rows = splitEqually(canvas.height, cellsPerSide);
  // The big tile ends where the first cell after it starts.
  const bigWidth = columns[bigCells].start;
  const bigHeight = rows[bigCells].start;
  const tiles: Tile[] = [
    { camera: big, x: 0, y: 0, width: bigWidth, height: bigHeight, fit, stream: 'auto' },
  ];
  for (const [row, { start: y, size: height }] of rows.entries()) {
    for (const [column, { start: x, size: width }] of columns.entries()) {
      const insideBig = row < bigCells && column < bigCells;
      const camera = small[tiles.length - 1];
      if (insideBig || camera === undefined) continue;
      tiles.push({ camera, x, y, width, height, fit, stream: 'auto' });
    }
  }
  return tiles;
}
