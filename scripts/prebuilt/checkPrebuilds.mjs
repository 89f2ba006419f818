// npm's prepack: `npm pack` and `npm publish` refuse a release without its addons. Each target's
// prebuilt must be there, be an ELF for that CPU, and have been built from the native sources in
// this tree (the hash build-linux.sh wrote into its BUILDINFO.txt); otherwise one line per problem
// and exit 1. A tarball without them installs nowhere that lacks a compiler and FFmpeg's -dev files.
//
// The prebuilds folder is <repo>/prebuilds, or the first argument, or CAMERA_MOSAIC_PREBUILDS
// (tests point it at a folder of their own).
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nativeSourceHash } from './nativeSourceHash.mjs';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const REBUILD = 'npm run build:prebuilt';

/** The targets a release carries, with the ELF class and e_machine (System V ABI) each must have. */
const TARGETS = [
  { target: 'linux-x64', elf64: true, machine: 62, cpu: 'x86-64' },
  { target: 'linux-arm64', elf64: true, machine: 183, cpu: 'AArch64' },
  { target: 'linux-arm', elf64: false, machine: 40, cpu: 'ARM' },
];

/** e_machine values a wrong build is likely to carry, to name what was found. */
const CPUS = { 3: 'i386', ...Object.fromEntries(TARGETS.map((t) => [t.machine, t.cpu])) };

/** What an ELF header says it is; undefined if not ELF at all. */
function elfIdentity(header) {
  if (header.length < 20 || header.readUInt32BE(0) !== 0x7f454c46) return undefined;
  const elf64 = header[4] === 2;
  const machine = header[5] === 2 ? header.readUInt16BE(18) : header.readUInt16LE(18);
  return { elf64, machine };
}

/** e.g. `AArch64 (ELFCLASS64, e_machine 183)`. */
function describe(elf64, machine) {
  return `${CPUS[machine] ?? 'another CPU'} (ELFCLASS${elf64 ? 64 : 32}, e_machine ${machine})`;
}

/** The problems with one target's prebuilt, as lines; none when it is fit to ship. */
function problems({ target, elf64, machine }, folder, currentHash) {
  const shown = (path) => {
    const rel = relative(repoRoot, path);
    return rel.startsWith('..') || isAbsolute(rel) ? path : rel;
  };
  const binary = join(folder, target, 'camera_mosaic.node');
  if (!existsSync(binary)) return [`${shown(binary)} is missing — build it with ${REBUILD}`];
  const found = elfIdentity(readFileSync(binary).subarray(0, 20));
  if (!found || found.elf64 !== elf64 || found.machine !== machine) {
    return [
      `${shown(binary)} is ${found ? `an ELF for ${describe(found.elf64, found.machine)}` : 'not an ELF file'}, ` +
        `not for ${describe(elf64, machine)} — rebuild it with ${REBUILD}`,
    ];
  }
  const buildInfo = join(folder, target, 'BUILDINFO.txt');
  const recorded = existsSync(buildInfo)
    ? /^native sources: sha256 ([0-9a-f]{64})$/m.exec(readFileSync(buildInfo, 'utf8'))?.[1]
    : undefined;
  if (!recorded) {
    return [
      `${shown(buildInfo)} records no "native sources: sha256" line, so which sources built ` +
        `${target}'s addon is unknown — rebuild it with ${REBUILD}`,
    ];
  }
  if (recorded !== currentHash) {
    return [
      `${shown(binary)} was built from other native sources than these (native/src or ` +
        `native/CMakeLists.txt changed since) — rebuild it with ${REBUILD}`,
    ];
  }
  return [];
}

const folder = resolve(process.argv[2] ?? process.env.CAMERA_MOSAIC_PREBUILDS ?? join(repoRoot, 'prebuilds'));
const currentHash = nativeSourceHash(repoRoot);
const lines = TARGETS.flatMap((t) => problems(t, folder, currentHash));
// stderr, both ways: `npm pack --json` prints its JSON on stdout, and prepack's output joins it.
if (lines.length) {
  for (const line of lines) console.error(`prepack: ${line}`);
  process.exit(1);
}
console.error(
  `prepack: ${TARGETS.map((t) => t.target).join(', ')} prebuilt, each for its CPU, ` +
    `from these native sources (sha256 ${currentHash.slice(0, 12)}…)`,
);
