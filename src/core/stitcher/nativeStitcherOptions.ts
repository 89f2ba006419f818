import type { MosaicDefinition } from '../config/mosaicDefinitions';
import type { MosaicConfig } from '../config/types';
import type { Tile } from '../layout/tile';
import { defaultFontPath } from './defaultFont';
import type { NativeStitcherOptions, NativeTile } from './nativeTypes';
import { publishTargets } from './publishTargets';

/** What the native Stitcher is made with: one mosaic of a validated config, showing `tiles`. */
export function nativeStitcherOptions(
  config: MosaicConfig,
  mosaic: MosaicDefinition,
  tiles: readonly Tile[],
): NativeStitcherOptions {
  const { output, labels } = mosaic;
  const fontPath = labels.font ?? defaultFontPath();
  return {
    output: {
      width: output.width,
      height: output.height,
      fps: output.fps,
      bitrate: output.bitrate,
      gop: output.gop,
      preset: output.preset,
      profile: output.profile,
    },
    tiles: nativeTiles(mosaic, tiles),
    staleTimeoutMs: config.staleTimeoutMs,
    outputs: publishTargets(mosaic.outputs).map(({ native }) => native),
    ...(fontPath ? { fontPath } : {}),
    labelCorner: labels.position,
  };
}

/** Tiles as the compositor takes them: the mosaic's label settings unless a tile says otherwise. */
export function nativeTiles(mosaic: MosaicDefinition, tiles: readonly Tile[]): NativeTile[] {
  const { names, clock } = mosaic.labels;
  return tiles.map((tile) => ({ ...tile, label: tile.label ?? names, clock: tile.clock ?? clock }));
}
