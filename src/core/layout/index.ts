export {
  AutoLayoutDirector,
  autoLayoutTiles,
  type AutoLayoutDirectorOptions,
  type MotionEvent,
} from './autoLayoutDirector';
export type { Canvas } from './canvas';
export { checkTilesFit } from './checkTilesFit';
export { resolveLayout } from './resolveLayout';
export type { FitMode, StreamChoice, Tile } from './tile';
export { presetNames, type PresetName } from '../config/layoutSchema';
