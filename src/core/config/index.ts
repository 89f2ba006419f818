export type * from './types';
export { cameraSchema } from './cameraSchema';
export { layoutSchema, presetNames } from './layoutSchema';
export { mosaicConfigSchema } from './mosaicConfigSchema';
export { outputSchema, x264Presets } from './outputSchema';
export { publishSchema, type PublishConfig } from './publishSchema';
export { serverSchema } from './serverSchema';
export { validateConfig, validateLayout } from './validateConfig';
