/**
 * Issue 16, item 2: `npm pack` and `npm publish` refuse a release without its three addons.
 * scripts/prebuilt/checkPrebuilds.mjs runs on real files in a folder of its own (ELF headers of
 * each machine, BUILDINFO.txt with a native-sources hash), and npm runs it as prepack — also for
 * `--dry-run` (npm 11), which is how this checks it without writing a tarball.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, test } from 'node:test';

const root = join(__dirname, '..', '..', '..');
const check = join(root, 'scripts', 'prebuilt', 'checkPrebuilds.mjs');
const currentHash = execFileSync(
  process.execPath,
  [join(root, 'scripts', 'prebuilt', 'nativeSourceHash.mjs')],
  {
    encoding: 'utf8',
  },
).trim();
const REBUILD = 'npm run build:prebuilt';

/** The first bytes of an ELF shared object for e_machine, 64- or 32-bit, little-endian. */
function elfHeader(machine: number, elf64: boolean): Buffer {
  const header = Buffer.alloc(64);
  header.set([0x7f, 0x45, 0x4c, 0x46, elf64 ? 2 : 1, 1, 1]);
  header.writeUInt16LE(3, 16); // ET_DYN
  header.writeUInt16LE(machine, 18);
  return header;
}

interface Prebuilt {
  binary?: Buffer;
  buildInfo?: string;
}

const fresh = (machine: number, elf64: boolean): Prebuilt => ({
  binary: elfHeader(machine, elf64),
  buildInfo: `camera_mosaic.node for a test\nnative sources: sha256 ${currentHash}\nFFmpeg: …\n`,
});
const FRESH: Record<string, Prebuilt> = {
  'linux-x64': fresh(62, true),
  'linux-arm64': fresh(183, true),
  'linux-arm': fresh(40, false),
};

const folders: string[] = [];
after(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** A prebuilds folder holding `prebuilds`. */
function prebuildsFolder(prebuilds: Record<string, Prebuilt>): string {
  const folder = mkdtempSync(join(tmpdir(), 'mosaic-prebuilds-'));
  folders.push(folder);
  for (const [target, { binary, buildInfo }] of Object.entries(prebuilds)) {
    mkdirSync(join(folder, target));
    if (binary) writeFileSync(join(folder, target, 'camera_mosaic.node'), binary);
    if (buildInfo !== undefined) writeFileSync(join(folder, target, 'BUILDINFO.txt'), buildInfo);
  }
  return folder;
}

function runCheck(
  folder: string,
  how: 'argument' | 'env' = 'env',
): { status: number | null; lines: string[] } {
  const result = spawnSync(process.execPath, how === 'argument' ? [check, folder] : [check], {
    encoding: 'utf8',
    env: how === 'env' ? { ...process.env, CAMERA_MOSAIC_PREBUILDS: folder } : process.env,
  });
  assert.equal(result.stdout, '', 'stdout stays empty: npm pack --json prints its JSON there');
  return { status: result.status, lines: result.stderr.trim().split('\n') };
}

describe('nativeSourceHash.mjs', () => {
  test('the hash follows every native source: content, name, a new file; not where the tree is', async () => {
    const { nativeSourceHash } = (await import(
      pathToFileURL(join(root, 'scripts', 'prebuilt', 'nativeSourceHash.mjs')).href
    )) as { nativeSourceHash(root: string): string };
    const tree = (): string => {
      const dir = mkdtempSync(join(tmpdir(), 'mosaic-native-'));
      folders.push(dir);
      mkdirSync(join(dir, 'native', 'src'), { recursive: true });
      writeFileSync(join(dir, 'native', 'CMakeLists.txt'), 'project(camera_mosaic)\n');
      writeFileSync(join(dir, 'native', 'src', 'addon.cc'), '// addon\n');
      return dir;
    };
    const dir = tree();
    const first = nativeSourceHash(dir);
    assert.match(first, /^[0-9a-f]{64}$/);
    assert.equal(nativeSourceHash(tree()), first, 'the same sources elsewhere');
    const seen = new Set([first]);
    const changed = (what: string): void => {
      const hash = nativeSourceHash(dir);
      assert.ok(!seen.has(hash), what);
      seen.add(hash);
    };
    writeFileSync(join(dir, 'native', 'src', 'addon.cc'), '// addon, changed\n');
    changed('a changed source');
    renameSync(join(dir, 'native', 'src', 'addon.cc'), join(dir, 'native', 'src', 'module.cc'));
    changed('a renamed source');
    mkdirSync(join(dir, 'native', 'src', 'hw'));
    writeFileSync(join(dir, 'native', 'src', 'hw', 'v4l2.cc'), '');
    changed('a new, empty source in a subfolder');
    writeFileSync(join(dir, 'native', 'CMakeLists.txt'), 'project(camera_mosaic)\n# changed\n');
    changed('a changed CMakeLists.txt');
    writeFileSync(join(dir, 'native', 'package.json'), '{}');
    assert.ok(seen.has(nativeSourceHash(dir)), 'files beside native/src are not native sources');
  });
});

describe('checkPrebuilds.mjs', () => {
  test('all three present, for their CPU, from these sources: exit 0', () => {
    for (const how of ['env', 'argument'] as const) {
      const { status, lines } = runCheck(prebuildsFolder(FRESH), how);
      assert.equal(status, 0, lines.join('\n'));
      assert.deepEqual(lines, [
        `prepack: linux-x64, linux-arm64, linux-arm prebuilt, each for its CPU, from these native sources ` +
          `(sha256 ${currentHash.slice(0, 12)}…)`,
      ]);
    }
  });

  /** [case, what the folder holds, the one line expected (after the folder's path)] */
  const refused: [string, Record<string, Prebuilt>, string][] = [
    [
      'one missing',
      { ...FRESH, 'linux-arm64': {} },
      `/linux-arm64/camera_mosaic.node is missing — build it with ${REBUILD}`,
    ],
    [
      'an x86-64 binary in linux-arm64',
      { ...FRESH, 'linux-arm64': fresh(62, true) },
      '/linux-arm64/camera_mosaic.node is an ELF for x86-64 (ELFCLASS64, e_machine 62), ' +
        `not for AArch64 (ELFCLASS64, e_machine 183) — rebuild it with ${REBUILD}`,
    ],
    [
      'a 64-bit ARM class in linux-arm',
      { ...FRESH, 'linux-arm': fresh(40, true) },
      '/linux-arm/camera_mosaic.node is an ELF for ARM (ELFCLASS64, e_machine 40), ' +
        `not for ARM (ELFCLASS32, e_machine 40) — rebuild it with ${REBUILD}`,
    ],
    [
      'not an ELF at all',
      { ...FRESH, 'linux-x64': { ...FRESH['linux-x64'], binary: Buffer.from('version https://git-lfs…\n') } },
      `/linux-x64/camera_mosaic.node is not an ELF file, not for x86-64 (ELFCLASS64, e_machine 62) — rebuild it with ${REBUILD}`,
    ],
    [
      'a stale native-sources hash',
      {
        ...FRESH,
        'linux-x64': { ...FRESH['linux-x64'], buildInfo: `native sources: sha256 ${'0'.repeat(64)}\n` },
      },
      '/linux-x64/camera_mosaic.node was built from other native sources than these ' +
        `(native/src or native/CMakeLists.txt changed since) — rebuild it with ${REBUILD}`,
    ],
    [
      'a BUILDINFO.txt from before the hash was recorded',
      { ...FRESH, 'linux-arm': { ...FRESH['linux-arm'], buildInfo: 'camera_mosaic.node for linux-arm\n' } },
      `/linux-arm/BUILDINFO.txt records no "native sources: sha256" line, so which sources built ` +
        `linux-arm's addon is unknown — rebuild it with ${REBUILD}`,
    ],
  ];
  for (const [name, prebuilds, line] of refused) {
    test(`${name}: exit 1 with one line naming it`, () => {
      const folder = prebuildsFolder(prebuilds);
      const { status, lines } = runCheck(folder);
      assert.equal(status, 1);
      assert.deepEqual(lines, [`prepack: ${folder}${line}`]);
    });
  }

  test('every problem gets its own line', () => {
    const folder = prebuildsFolder({});
    const { status, lines } = runCheck(folder);
    assert.equal(status, 1);
    assert.deepEqual(
      lines,
      ['linux-x64', 'linux-arm64', 'linux-arm'].map(
        (t) => `prepack: ${folder}/${t}/camera_mosaic.node is missing — build it with ${REBUILD}`,
      ),
    );
  });
});

describe('npm runs it as prepack', () => {
  // `--dry-run` writes no tarball, but npm 11 still runs prepack before listing the files.
  function npmPackDryRun(folder: string) {
    return spawnSync('npm', ['pack', '--dry-run', '--json'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, CAMERA_MOSAIC_PREBUILDS: folder },
      maxBuffer: 16 * 1024 * 1024,
    });
  }

  test('npm pack --dry-run refuses with the check line when a prebuilt is missing', () => {
    const folder = prebuildsFolder({ ...FRESH, 'linux-arm': {} });
    const result = npmPackDryRun(folder);
    assert.notEqual(result.status, 0);
    assert.ok(
      result.stderr.includes(
        `prepack: ${folder}/linux-arm/camera_mosaic.node is missing — build it with ${REBUILD}`,
      ),
      result.stderr,
    );
  });

  test('npm pack --dry-run --json passes with all three, and its JSON stays parseable', () => {
    const result = npmPackDryRun(prebuildsFolder(FRESH));
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /prepack: linux-x64, linux-arm64, linux-arm prebuilt/);
    const [packed] = JSON.parse(result.stdout) as { name: string }[];
    assert.equal(packed.name, 'homebridge-camera-mosaic');
  });
});
