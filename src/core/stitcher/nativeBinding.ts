/**
 * The only loader of the native addon, and a lazy one: a host (Node-RED, Homebridge) that cannot
 * load it still loads this package and gets a NativeLoadError that says why, instead of a crash.
 *
 * Candidates, in order (as sharp does, a prebuilt binary needs no compiler and no FFmpeg):
 * 1. `prebuilds/<platform>-<arch>/camera_mosaic.node`, the release build with its own minimal
 *    FFmpeg linked in (scripts/prebuilt/build-linux.sh);
 * 2. `native/build/Release/camera_mosaic.node`, a local `npm run build:native` against the
 *    system's FFmpeg.
 * `CAMERA_MOSAIC_NATIVE=prebuilt` or `=local` keeps only that one (e.g. while changing the C++,
 * where a prebuilt in the tree would otherwise win); a path ending in `.node` loads that file
 * instead, as a `local` build (another build of the C++: `npm run test:sanitizers` runs the
 * ThreadSanitizer and AddressSanitizer builds this way).
 * When none loads, the error leads with why in a user's terms (nativeMismatch.ts): another CPU,
 * musl, a glibc too old, a missing shared library.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { NativeLoadError } from '../errors';
import {
  diagnoseLoadFailure,
  elfArch,
  highestGlibcVersion,
  type AddonFailure,
  type HostFacts,
} from './nativeMismatch';
import type { NativeAddon } from './nativeTypes';

/** Which build of the addon was loaded. */
export type NativeAddonKind = 'prebuilt' | 'local';

/** What `nativeAddonInfo()` says about the loaded addon. */
export interface NativeAddonInfo {
  /** Absolute path of the `.node` file. */
  path: string;
  /** `prebuilt`: shipped in the package with its own FFmpeg; `local`: built here, system FFmpeg. */
  kind: NativeAddonKind;
  /** FFmpeg's `av_version_info()`, e.g. `5.1.9` (bundled) or `5.1.9-0+deb12u1` (Debian's). */
  ffmpegVersion: string;
}

interface Candidate {
  kind: NativeAddonKind;
  path: string;
  /** Why a user would not find the file there, said when it is missing. */
  missing: string;
}

const packageRoot = join(__dirname, '..', '..', '..', '..');

/**
 * The prebuilds folder name for this runtime: `linux-x64`, `linux-arm64`, `darwin-arm64`; musl
 * (Alpine) gets `linuxmusl-<arch>`, as in sharp, since a glibc build cannot load there.
 */
export function prebuiltPlatform(): string {
  const { platform, arch, glibcRuntime } = hostFacts();
  return `${platform === 'linux' && !glibcRuntime ? 'linuxmusl' : platform}-${arch}`;
}

function hostFacts(): HostFacts {
  let glibcRuntime: string | undefined;
  if (process.platform === 'linux') {
    const report = process.report.getReport() as { header?: { glibcVersionRuntime?: string } };
    glibcRuntime = report.header?.glibcVersionRuntime;
  }
  return { platform: process.platform, arch: process.arch, glibcRuntime };
}

function candidates(): Candidate[] {
  const target = prebuiltPlatform();
  const all: Candidate[] = [
    {
      kind: 'prebuilt',
      path: join(packageRoot, 'prebuilds', target, 'camera_mosaic.node'),
      missing: `no prebuilt binary for ${target} in this package`,
    },
    {
      kind: 'local',
      path: join(packageRoot, 'native', 'build', 'Release', 'camera_mosaic.node'),
      missing:
        'not built (in a checkout: "npm run build:native"; in an installed package: ' +
        '"npx cmake-js compile --directory native --out native/build"; ' +
        "both need cmake, a C++ compiler and FFmpeg's development files)",
    },
  ];
  const only = process.env.CAMERA_MOSAIC_NATIVE;
  if (only === 'prebuilt' || only === 'local') return all.filter((c) => c.kind === only);
  if (only?.endsWith('.node')) {
    return [{ kind: 'local', path: resolve(only), missing: 'no such file (named by CAMERA_MOSAIC_NATIVE)' }];
  }
  return all;
}

interface Loaded {
  addon: NativeAddon;
  info: NativeAddonInfo;
}

let loaded: Loaded | undefined;

/** The loaded addon. Throws NativeLoadError listing each candidate and why it did not load. */
export function loadNativeAddon(): NativeAddon {
  return load().addon;
}

/** Which addon is in use (loading it if need be): its path, kind and FFmpeg version. */
export function nativeAddonInfo(): NativeAddonInfo {
  return { ...load().info };
}

function load(): Loaded {
  if (loaded) return loaded;
  const reasons: string[] = [];
  const failures: AddonFailure[] = [];
  const tried = candidates();
  for (const { kind, path, missing } of tried) {
    if (!existsSync(path)) {
      reasons.push(`${kind} ${path}: ${missing}`);
      failures.push({ kind, path, exists: false });
      continue;
    }
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const addon = require(path) as NativeAddon;
      loaded = { addon, info: { path, kind, ffmpegVersion: addon.ffmpegVersion } };
      return loaded;
    } catch (error) {
      const loadError = (error as Error).message.split('\n')[0];
      reasons.push(`${kind} ${path}: ${loadError}`);
      failures.push({ kind, path, exists: true, loadError, ...readBinary(path) });
    }
  }
  const pinned = process.env.CAMERA_MOSAIC_NATIVE;
  const heading =
    `camera-mosaic's native addon could not be loaded [platform:${prebuiltPlatform()}` +
    `${tried.length < 2 ? `, CAMERA_MOSAIC_NATIVE=${pinned}` : ''}]`;
  const diagnosis = diagnoseLoadFailure(hostFacts(), prebuildsPresent(), failures, packageRoot);
  throw new NativeLoadError(
    diagnosis
      ? `${heading}: ${diagnosis.problem}.\n  Way out: ${diagnosis.wayOut}.\n` +
          `  Tried:\n    ${reasons.join('\n    ')}`
      : `${heading}:\n  ${reasons.join('\n  ')}`,
  );
}

/** What a `.node` that failed to load is built for; read only then, so a good load costs nothing. */
function readBinary(path: string): Pick<AddonFailure, 'elfArch' | 'requiredGlibc'> {
  try {
    const bytes = readFileSync(path);
    return { elfArch: elfArch(bytes.subarray(0, 20)), requiredGlibc: highestGlibcVersion(bytes) };
  } catch {
    return {};
  }
}

/** The prebuilds/ folders that hold an addon, e.g. `linux-arm`, `linux-arm64`, `linux-x64`. */
function prebuildsPresent(): string[] {
  const folder = join(packageRoot, 'prebuilds');
  try {
    return readdirSync(folder)
      .filter((name) => existsSync(join(folder, name, 'camera_mosaic.node')))
      .sort();
  } catch {
    return [];
  }
}
