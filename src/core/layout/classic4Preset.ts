import { ConfigError } from '../errors';
import type { Canvas } from './canvas';
import { splitEven } from './splitEven';
import type { FitMode, Tile } from './tile';

/**
 * The original camera-mosaic layout: a full-height column on each side (1/4 of the width each)
 * and two stacked tiles in the middle half. On 1920x1080: left 480x1080 at (0,0), top 960x540 at
 * (480,0), bottom 960x540 at (480,540), right 480x1080 at (1440,0). Cameras: [left, top, bottom,
 * right].
 */
export function classic4Tiles(cameras: readonly string[], canvas: Canvas, fit: FitMode): Tile[] {
  if (cameras.length !== 4) {
    throw new ConfigError([{ field: 'layout.cameras', reason: 'must have exactly 4 items' }]);
  }
  const [left, top, bottom, right] = cameras;
  const [leftColumn, middle, rightColumn] = splitEven(canvas.width, [1, 2, 1]);
  const [upper, lower] = splitEven(canvas.height, [1, 1]);
  const { height } = canvas;
  const tiles = [
    { camera: left, x: 0, y: 0, width: leftColumn.size, height },
    { camera: top, x: middle.start, y: 0, width: middle.size, height: upper.size },
    { camera: bottom, x: middle.start, y: lower.start, width: middle.size, height: lower.size },
    { camera: right, x: rightColumn.start, y: 0, width: rightColumn.size, height },
  ];
  return tiles.map((tile) => ({ ...tile, fit, stream: 'auto' }));
}
