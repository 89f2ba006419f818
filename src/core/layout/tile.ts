/** How a camera's picture fills its tile. */
export type FitMode = 'stretch' | 'contain' | 'cover';

/**
 * One rectangle of the canvas and the camera shown in it, in output pixels. This is what every
 * layout (preset or explicit) resolves to, and what the native compositor receives.
 */
export interface Tile {
  camera: string;
  x: number;
  y: number;
  width: number;
  height: number;
  /** `stretch` (default) fills the rectangle; `contain` letterboxes; `cover` crops. */
  fit: FitMode;
}
