export type { Canvas } from './canvas';
export { checkTilesFit } from './checkTilesFit';
export { resolveLayout } from './resolveLayout';
export type { FitMode, Tile } from './tile';
export { presetNames, type PresetName } from '../config/layoutSchema';
