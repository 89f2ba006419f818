import type { ConfigIssue } from '../errors';
import type { Canvas } from './canvas';
import type { Tile } from './tile';

/**
 * Tiles may overlap (a picture-in-picture), but every tile is scaled every frame: 64 full-canvas
 * tiles took a 24 fps mosaic to 9.5 fps until the layout changed. Four canvases' worth of pixels
 * leaves room for any real arrangement.
 */
export const maxTileAreaInCanvases = 4;
/** Smaller than one H.264 macroblock shows nothing a viewer could recognise, at a scaler's cost. */
export const minTileEdge = 16;

/**
 * What makes a layout cost more than it shows: tiles smaller than `minTileEdge` on a side
 * (`layout.tiles[i]`), or tiles covering more than `maxTileAreaInCanvases` canvases together
 * (`layout.tiles`).
 */
export function checkTileCost(tiles: readonly Tile[], canvas: Canvas): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  tiles.forEach(({ width, height }, index) => {
    if (width < minTileEdge || height < minTileEdge) {
      issues.push({
        field: `layout.tiles[${index}]`,
        reason: `is too small (${width}x${height}): tiles must be at least ${minTileEdge}x${minTileEdge}`,
      });
    }
  });
  const canvasArea = canvas.width * canvas.height;
  const tileArea = tiles.reduce((sum, { width, height }) => sum + width * height, 0);
  if (tileArea > maxTileAreaInCanvases * canvasArea) {
    const canvases = (tileArea / canvasArea).toFixed(1);
    issues.push({
      field: 'layout.tiles',
      reason:
        `cover ${canvases} canvases in total; at most ${maxTileAreaInCanvases} ` +
        '(every tile is scaled every frame, overlapping or not)',
    });
  }
  return issues;
}
