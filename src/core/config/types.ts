// Every config type in one place for the rest of the code; each is derived from its schema.
export type { CameraConfig } from './cameraSchema';
export type {
  AutoLayoutConfig,
  Classic4LayoutConfig,
  FocusLayoutConfig,
  GridLayoutConfig,
  LayoutConfig,
  LayoutConfigInput,
  OnePlusNLayoutConfig,
  PresetLayoutConfig,
  PresetName,
  TileConfig,
  TilesLayoutConfig,
} from './layoutSchema';
export type { MosaicConfig, MosaicConfigInput } from './mosaicConfigSchema';
export type { OutputConfig } from './outputSchema';
export type { ServerConfig } from './serverSchema';
