/**
 * The only loader of the native addon, and a lazy one: a host (Node-RED, Homebridge) that cannot
 * load it still loads this package and gets a NativeLoadError that says why, instead of a crash.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { NativeLoadError } from '../errors';
import type { NativeAddon } from './nativeTypes';

const packageRoot = join(__dirname, '..', '..', '..', '..');

/** Where a local `npm run build:native` (cmake-js) puts the addon. */
const candidates = [join(packageRoot, 'native', 'build', 'Release', 'camera_mosaic.node')];

let loaded: NativeAddon | undefined;

/** The loaded addon, plus the path it came from. Throws NativeLoadError. */
export function loadNativeAddon(): NativeAddon {
  if (loaded) return loaded;
  const reasons: string[] = [];
  for (const path of candidates) {
    if (!existsSync(path)) {
      reasons.push(`${path}: not built`);
      continue;
    }
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      loaded = require(path) as NativeAddon;
      return loaded;
    } catch (error) {
      reasons.push(`${path}: ${(error as Error).message}`);
    }
  }
  throw new NativeLoadError(
    `camera-mosaic's native addon could not be loaded (run "npm run build:native"):\n  ${reasons.join('\n  ')}`,
  );
}
