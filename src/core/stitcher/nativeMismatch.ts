/**
 * Why the native addon cannot load here, in words a user can act on. dlopen alone is no help: a
 * prebuilt for another CPU fails with "cannot open shared object file: No such file or directory"
 * although the file is there, and a glibc too old names a symbol version, not the system to get.
 *
 * Pure functions over what the loader gathered (nativeBinding.ts reads the process globals and the
 * files, only once a load has failed), so every case can be tested here without that machine.
 */

/** What the loader knows about the machine it runs on. */
export interface HostFacts {
  /** `process.platform`, e.g. `linux`. */
  platform: string;
  /** `process.arch`, e.g. `x64`, `arm64`, `arm`. */
  arch: string;
  /** glibc's version from `process.report`, e.g. `2.36`; undefined under musl (Alpine) or off Linux. */
  glibcRuntime: string | undefined;
}

/** One `.node` the loader tried that did not load. */
export interface AddonFailure {
  kind: 'prebuilt' | 'local';
  path: string;
  /** Whether the file was there at all. */
  exists: boolean;
  /** dlopen's message, first line (only when the file exists). */
  loadError?: string;
  /** The Node.js arch its ELF header names (`elfArch()`); undefined when not read or unknown. */
  elfArch?: string;
  /** The highest `GLIBC_2.N` it asks for (`highestGlibcVersion()`). */
  requiredGlibc?: string;
}

/** What went wrong, and the way out. */
export interface Diagnosis {
  problem: string;
  wayOut: string;
}

/** ELF e_machine values (System V ABI, "ELF Header") of the CPUs Node.js names in `process.arch`. */
const ELF_MACHINES: Record<number, { arch: string; elf64: boolean }> = {
  3: { arch: 'ia32', elf64: false },
  8: { arch: 'mips', elf64: false },
  21: { arch: 'ppc64', elf64: true },
  22: { arch: 's390x', elf64: true },
  40: { arch: 'arm', elf64: false },
  62: { arch: 'x64', elf64: true },
  183: { arch: 'arm64', elf64: true },
  243: { arch: 'riscv64', elf64: true },
  258: { arch: 'loong64', elf64: true },
};

/** The `process.arch` an ELF file is built for, from its first 20 bytes; undefined if not ELF. */
export function elfArch(header: Uint8Array): string | undefined {
  if (header.length < 20 || header[0] !== 0x7f || header[1] !== 0x45) return undefined;
  if (header[2] !== 0x4c || header[3] !== 0x46) return undefined;
  const elf64 = header[4] === 2;
  // EI_DATA (byte 5): 1 little-endian, 2 big-endian (s390x); e_machine is the half-word at 18.
  const machine = header[5] === 2 ? (header[18] << 8) | header[19] : header[18] | (header[19] << 8);
  const known = ELF_MACHINES[machine];
  return known && known.elf64 === elf64 ? known.arch : undefined;
}

/** The highest `GLIBC_2.N[.M]` symbol version named in a binary's bytes, e.g. `2.35`. */
export function highestGlibcVersion(bytes: Uint8Array): string | undefined {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  let highest: string | undefined;
  for (const [, version] of text.matchAll(/GLIBC_(\d+\.\d+(?:\.\d+)?)/g)) {
    if (!highest || compareVersions(version, highest) > 0) highest = version;
  }
  return highest;
}

/** Negative, zero or positive as dotted version `a` is older than, equal to or newer than `b`. */
export function compareVersions(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The shared library dlopen could not find, e.g. `libgnutls.so.30`, from its message. */
export function missingLibrary(loadError: string): string | undefined {
  // The addon itself is named by its path; a dependency by its bare soname.
  return /^([^\s/:]+\.so[.\d]*): cannot open shared object file/.exec(loadError)?.[1];
}

/** glibc's own libraries all come in one package. */
const GLIBC_LIBRARIES = new Set(['libc', 'libm', 'libpthread', 'libdl', 'librt', 'libresolv']);

/**
 * The Debian package holding a soname, by Debian Policy §8.1: `libgnutls.so.30` → `libgnutls30`,
 * `libidn2.so.0` → `libidn2-0` (a hyphen when the name ends in a digit), `libgcc_s.so.1` → `libgcc-s1`.
 */
export function debianPackageFor(soname: string): string {
  const match = /^(.+?)\.so\.?([\d.]*)$/.exec(soname);
  if (!match) return soname;
  const [, name, version] = match;
  if (GLIBC_LIBRARIES.has(name)) return 'libc6';
  const base = name.toLowerCase().replace(/_/g, '-');
  return /\d$/.test(base) && version ? `${base}-${version}` : `${base}${version}`;
}

/** Releases and their glibc, oldest first, to name the systems a prebuilt runs on. */
const RELEASES: readonly { family: string; releases: readonly [string, string][] }[] = [
  {
    family: 'Debian',
    releases: [
      ['11', '2.31'],
      ['12', '2.36'],
      ['13', '2.41'],
    ],
  },
  {
    family: 'Ubuntu',
    releases: [
      ['20.04', '2.31'],
      ['22.04', '2.35'],
      ['24.04', '2.39'],
    ],
  },
  {
    family: 'Raspberry Pi OS',
    releases: [
      ['bullseye', '2.31'],
      ['bookworm', '2.36'],
      ['trixie', '2.41'],
    ],
  },
];

/** e.g. `Debian 12+, Ubuntu 22.04+, Raspberry Pi OS bookworm+` for glibc 2.35. */
export function systemsWithGlibc(required: string): string {
  return RELEASES.flatMap(({ family, releases }) => {
    const first = releases.find(([, glibc]) => compareVersions(glibc, required) >= 0);
    return first ? [`${family} ${first[0]}+`] : [];
  }).join(', ');
}

const COMPILE = 'npx cmake-js compile --directory native --out native/build';

/** How to build the addon on this machine, spelled out for its system. */
export function localBuildSteps(host: HostFacts, packageRoot: string): string {
  const compile = `then, in ${packageRoot}: ${COMPILE}`;
  if (host.platform === 'linux' && !host.glibcRuntime) {
    return `build the addon here, as root: apk add build-base cmake pkgconf ffmpeg-dev freetype-dev; ${compile}`;
  }
  const needs = 'cmake, a C++ compiler, pkg-config and the development files of FFmpeg 5.1 or newer';
  const debian =
    host.platform === 'linux'
      ? ' (Debian, Ubuntu, Raspberry Pi OS: sudo apt install cmake g++ pkg-config libavformat-dev ' +
        'libavcodec-dev libavdevice-dev libswscale-dev libavutil-dev libfreetype-dev)'
      : '';
  return `build the addon here: it needs ${needs} and FreeType${debian}; ${compile}`;
}

function presentList(present: readonly string[]): string {
  return present.length ? present.join(', ') : 'none at all (a build from source without them)';
}

/** Why nothing could be loaded, from the host alone: another OS, another CPU, or musl. */
function diagnoseHost(
  host: HostFacts,
  present: readonly string[],
  packageRoot: string,
): Diagnosis | undefined {
  const here = `${host.platform}-${host.arch}`;
  const build = localBuildSteps(host, packageRoot);
  if (host.platform !== 'linux') {
    return {
      problem: `this machine is ${here}, and camera-mosaic's prebuilt addons are for Linux only (this package has: ${presentList(present)})`,
      wayOut: `camera-mosaic is built and tested on Linux; elsewhere you may ${build}`,
    };
  }
  if (!host.glibcRuntime) {
    return {
      problem:
        `this machine is ${here} with musl libc (Alpine, as in Node-RED's default Docker image ` +
        `nodered/node-red), and camera-mosaic's prebuilt addons (${presentList(present)}) are built for glibc`,
      wayOut: `Node-RED's Debian-based image nodered/node-red:latest-debian; or ${build}`,
    };
  }
  if (!present.includes(here)) {
    return {
      problem: `this machine is ${here}, and camera-mosaic has prebuilt addons only for ${presentList(present)}`,
      wayOut: build,
    };
  }
  return undefined;
}

/** Why one file that is there did not load: built for another CPU, a library missing, glibc too old. */
function diagnoseFile(host: HostFacts, failure: AddonFailure, packageRoot: string): Diagnosis | undefined {
  const { path, loadError = '', elfArch: fileArch, requiredGlibc } = failure;
  const build = localBuildSteps(host, packageRoot);
  if (fileArch && fileArch !== host.arch) {
    return {
      problem: `${path} is built for ${fileArch}, and this machine is ${host.platform}-${host.arch}`,
      wayOut:
        failure.kind === 'prebuilt'
          ? `this package's prebuilds are mislabelled (please report it); meanwhile ${build}`
          : `rebuild it on this machine: in ${packageRoot}: ${COMPILE}`,
    };
  }
  const library = missingLibrary(loadError);
  if (library) {
    const install = host.glibcRuntime
      ? `Debian, Ubuntu, Raspberry Pi OS: sudo apt install ${debianPackageFor(library)}`
      : `Alpine: apk add so:${library}`;
    return {
      problem: `${path} needs the shared library ${library}, which this system does not have`,
      wayOut: `install the package that holds it (${install})`,
    };
  }
  if (requiredGlibc && host.glibcRuntime && compareVersions(requiredGlibc, host.glibcRuntime) > 0) {
    return {
      problem: `${path} needs glibc ${requiredGlibc} or newer, and this system has glibc ${host.glibcRuntime}`,
      wayOut:
        `a newer system, with glibc ${requiredGlibc}+ (${systemsWithGlibc(requiredGlibc) || 'none listed here yet'}); ` +
        `or, where this system has FFmpeg 5.1 or newer (Debian 11's and Ubuntu 20.04's is too old), ${build}`,
    };
  }
  return undefined;
}

/**
 * The one diagnosis to lead the error with: a file that is there but failed says most, so those
 * come first; then what the host alone explains. Undefined when nothing here recognises the case.
 */
export function diagnoseLoadFailure(
  host: HostFacts,
  present: readonly string[],
  failures: readonly AddonFailure[],
  packageRoot: string,
): Diagnosis | undefined {
  for (const failure of failures) {
    if (!failure.exists) continue;
    const diagnosis = diagnoseFile(host, failure, packageRoot);
    if (diagnosis) return diagnosis;
  }
  if (failures.some((f) => f.exists)) return undefined;
  if (!failures.some((f) => f.kind === 'prebuilt')) return undefined;
  return diagnoseHost(host, present, packageRoot);
}
