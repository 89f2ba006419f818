/** How a camera's picture fills its tile. */
export type FitMode = 'stretch' | 'contain' | 'cover';

/** Which of a camera's streams a tile shows; `auto` decides by the tile's size (natively). */
export type StreamChoice = 'auto' | 'main' | 'sub';

/**
 * One rectangle of the canvas and the camera shown in it, in output pixels. This is what every
 * layout (preset or explicit) resolves to, and what the native compositor receives.
 */
export interface Tile {
  /** The camera shown; for a timeshare tile, the first of `cameras`. */
  camera: string;
  /** Only for a timeshare tile: the cameras it rotates through, each for `rotateMs`. */
  cameras?: string[];
  rotateMs?: number;
  x: number;
  y: number;
  width: number;
  height: number;
  /** `contain` (default) letterboxes; `cover` crops; `stretch` fills the rectangle, distorting. */
  fit: FitMode;
  stream: StreamChoice;
  /** Only when the layout gives them: override the mosaic's label and clock settings. */
  label?: boolean;
  clock?: boolean;
}
