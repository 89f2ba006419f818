import type { ConfigIssue } from '../errors';
import type { Canvas } from './canvas';
import type { Tile } from './tile';

/**
 * What the native compositor cannot draw, per tile (`layout.tiles[i]`): an empty rectangle, one
 * that leaves the canvas, or an odd edge (4:2:0 chroma is one sample per 2x2 pixels, so an odd
 * edge would split a sample between two tiles). Overlap is allowed: later tiles cover earlier
 * ones, which is how a picture-in-picture is drawn.
 */
export function checkTilesFit(tiles: readonly Tile[], canvas: Canvas): ConfigIssue[] {
  return tiles.flatMap((tile, index) =>
    tileProblems(tile, canvas).map((reason) => ({ field: `layout.tiles[${index}]`, reason })),
  );
}

function tileProblems(tile: Tile, canvas: Canvas): string[] {
  const { x, y, width, height } = tile;
  if (width <= 0 || height <= 0) return [`must have a positive size (${width}x${height})`];
  const problems: string[] = [];
  if (x < 0 || y < 0) problems.push(`starts outside the canvas (x = ${x}, y = ${y})`);
  if (x + width > canvas.width) {
    const end = x + width;
    problems.push(`extends past the canvas (x + width = ${end} > output.width ${canvas.width})`);
  }
  if (y + height > canvas.height) {
    const end = y + height;
    problems.push(`extends past the canvas (y + height = ${end} > output.height ${canvas.height})`);
  }
  const odd = Object.entries({ x, y, width, height }).filter(([, value]) => value % 2 !== 0);
  if (odd.length > 0) {
    const list = odd.map(([name, value]) => `${name} = ${value}`).join(', ');
    problems.push(`must have even x, y, width and height (${list})`);
  }
  return problems;
}
