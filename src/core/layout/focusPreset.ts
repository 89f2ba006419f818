import type { Canvas } from './canvas';
import type { FitMode, Tile } from './tile';

/** One camera on the whole canvas. */
export function focusTiles(camera: string, canvas: Canvas, fit: FitMode): Tile[] {
  return [{ camera, x: 0, y: 0, width: canvas.width, height: canvas.height, fit, stream: 'auto' }];
}
