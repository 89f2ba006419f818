import { tileCameraReasons, type TileConfig } from '../config/layoutSchema';
import { ConfigError } from '../errors';
import type { Tile } from './tile';

/**
 * One explicit tile as the compositor gets it: `camera` is always set (the first of a timeshare
 * tile's `cameras`), and the optional fields appear only where they mean something, so a plain
 * tile reads as it was written. `index` locates errors (`layout.tiles[index]`).
 */
export function explicitTile(tile: TileConfig, index: number): Tile {
  const { camera, cameras, rotateMs, stream, label, clock, x, y, width, height, fit } = tile;
  // The schema refuses neither; a caller with a typed but unchecked layout gets the same words.
  const neither = camera === undefined && cameras === undefined;
  const both = camera !== undefined && cameras !== undefined && camera !== cameras[0];
  if (neither || both) {
    const reason = neither ? tileCameraReasons.neither : tileCameraReasons.both;
    throw new ConfigError([{ field: `layout.tiles[${index}].camera`, reason }]);
  }
  const resolved: Tile = { camera: camera ?? cameras?.[0] ?? '', x, y, width, height, fit, stream };
  if (cameras !== undefined) {
    resolved.cameras = [...cameras];
    resolved.rotateMs = rotateMs;
  }
  if (label !== undefined) resolved.label = label;
  if (clock !== undefined) resolved.clock = clock;
  return resolved;
}
