/**
 * Issue 7: the package as a Node-RED or Homebridge user gets it. `npm pack`, then
 * `npm install --ignore-scripts` of the tarball into an empty folder (runtime dependencies from
 * the registry; no compiler, no build step), then the installed CLI's demo mosaic serves a
 * snapshot — on the prebuilt addon, with its own FFmpeg, not the system's.
 *
 * Issue 16: the one tarball carries every platform's prebuilt (`npm run build:prebuilt` makes them;
 * `npm pack` refuses without them), each an ELF for its own machine. The arm ones run in
 * test/platforms/, under qemu.
 */
import assert from 'node:assert/strict';
import { HomebridgeProcess } from '../helpers/homebridgeRunner';
import { freePort as freePortForHosts, NodeRedRuntime } from '../helpers/nodeRedRuntime';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import {
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  closeSync,
  realpathSync,
  rmSync,
  writeFileSync,
  existsSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { prebuiltPlatform } from '../../src/core/stitcher/nativeBinding';
import { decodeJpeg } from '../fixtures/pixels';
import { awaitPrebuiltsBuiltInBackground } from '../helpers/prebuiltsInBackground';
import { waitFor } from '../helpers/wait';

const run = promisify(execFile);
const root = join(__dirname, '..', '..', '..');
const target = prebuiltPlatform();

/** Every platform the package ships a prebuilt for, and the ELF e_machine its binary must have. */
const SHIPPED_PLATFORMS = { 'linux-x64': 62, 'linux-arm64': 183, 'linux-arm': 40 } as const;

/** The shared libraries a bundled FFmpeg must not pull in from the system. */
const SYSTEM_MEDIA_LIBS = /\blib(av\w+|swscale|swresample|postproc|x264)\.so/;

/** ELF e_machine (offset 18, little-endian on every platform we ship). */
function elfMachine(path: string): number {
  const header = Buffer.alloc(20);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, header, 0, header.length, 0);
  } finally {
    closeSync(fd);
  }
  assert.equal(header.toString('latin1', 0, 4), '\x7fELF', `${path} is not an ELF file`);
  return header.readUInt16LE(18);
}

const directory = mkdtempSync(join(tmpdir(), 'mosaic-pack-'));
const children = new Set<ChildProcess>();
let installed = '';
let packed: { filename: string; size: number; unpackedSize: number; files: { path: string }[] };

// The installed package must find its addon in itself, never in this checkout or a pinned env.
const userEnv: NodeJS.ProcessEnv = { ...process.env, CAMERA_MOSAIC_LOG: 'info' };
delete userEnv.CAMERA_MOSAIC_NATIVE;
delete userEnv.NODE_PATH;
// The hosts below (Node-RED, Homebridge) inherit this process's environment.
delete process.env.CAMERA_MOSAIC_NATIVE;

before(async () => {
  // On a fresh machine setup.sh leaves the arm prebuilts building while the other tests run.
  await awaitPrebuiltsBuiltInBackground(40 * 60_000);
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', directory], {
    cwd: root,
    maxBuffer: 16 * 1024 * 1024,
  });
  [packed] = JSON.parse(stdout) as (typeof packed)[];
  const app = join(directory, 'app');
  rmSync(app, { recursive: true, force: true });
  await run('mkdir', ['-p', app]);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'user-app', private: true }));
  await run(
    'npm',
    ['install', '--ignore-scripts', '--no-audit', '--no-fund', join(directory, packed.filename)],
    { cwd: app, env: userEnv, maxBuffer: 16 * 1024 * 1024 },
  );
  installed = join(app, 'node_modules', 'homebridge-camera-mosaic');
});

after(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(directory, { recursive: true, force: true });
});

test('the tarball ships the prebuilt addon and what a user needs, nothing else', (t) => {
  const paths = packed.files.map((f) => f.path);
  t.diagnostic(
    `${packed.filename}: ${(packed.size / 1e6).toFixed(2)} MB packed, ` +
      `${(packed.unpackedSize / 1e6).toFixed(2)} MB unpacked, ${paths.length} files`,
  );
  for (const needed of [
    ...Object.keys(SHIPPED_PLATFORMS).map((platform) => `prebuilds/${platform}/camera_mosaic.node`),
    'dist/src/index.js',
    'dist/src/core/cli.js',
    'config.schema.json',
    'package.json',
    'README.md',
  ]) {
    assert.ok(paths.includes(needed), `${needed} is missing from the tarball (package.json "files")`);
  }
  const unwanted = paths.filter((p) =>
    /^(dist\/test|dist\/bench|bench|test|native\/build|scripts)\//.test(p),
  );
  assert.deepEqual(unwanted, [], 'tests, benchmarks and build trees stay out of the tarball');
});

test('each installed prebuilt is an ELF for its own machine', () => {
  for (const [platform, machine] of Object.entries(SHIPPED_PLATFORMS)) {
    const path = join(installed, 'prebuilds', platform, 'camera_mosaic.node');
    assert.ok(existsSync(path), `${platform}: no prebuilt installed`);
    assert.equal(elfMachine(path), machine, `${platform}: wrong ELF machine`);
    const buildInfo = readFileSync(join(installed, 'prebuilds', platform, 'BUILDINFO.txt'), 'utf8');
    assert.match(
      buildInfo,
      /^needs: glibc 2\.\d+ or newer/m,
      `${platform}: BUILDINFO.txt says what it needs`,
    );
  }
});

test(
  'installed with --ignore-scripts, the CLI demo serves a snapshot on the bundled FFmpeg',
  { timeout: 60_000 },
  async (t) => {
    assert.ok(!existsSync(join(installed, 'native', 'build')), 'nothing was built at install');
    const cli = join(installed, '..', '.bin', 'camera-mosaic');
    const child = spawn(cli, ['--demo', '--port', '0', '--host', '127.0.0.1'], {
      cwd: join(installed, '..', '..'),
      env: userEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

    const url = await waitFor(
      'the serving line',
      () => {
        if (child.exitCode !== null) throw new Error(`the CLI exited (${child.exitCode}):\n${output}`);
        return /serving the mosaic at (http:\/\/\S+)/.exec(output)?.[1];
      },
      20_000,
    );
    const jpeg = await waitFor(
      'a snapshot',
      async () => {
        const response = await fetch(`${url}/snapshot.jpg`);
        return response.status === 200 ? Buffer.from(await response.arrayBuffer()) : undefined;
      },
      15_000,
      250,
    );
    const frame = await decodeJpeg(jpeg);
    assert.ok(frame.width >= 320 && frame.height >= 180, `snapshot is ${frame.width}x${frame.height}`);
    assert.ok(new Set(frame.data).size > 16, 'the snapshot shows the test pictures, not one flat colour');

    // The addon the process really mapped, and every shared object beside it.
    const maps = readFileSync(`/proc/${child.pid}/maps`, 'utf8');
    const mapped = [
      ...new Set(
        maps
          .split('\n')
          .map((l) => /\s(\/\S+)$/.exec(l)?.[1])
          .filter(Boolean),
      ),
    ];
    const addon = mapped.find((p) => p?.endsWith('camera_mosaic.node'));
    assert.equal(addon, realpathSync(join(installed, 'prebuilds', target, 'camera_mosaic.node')));
    assert.deepEqual(
      mapped.filter((p) => SYSTEM_MEDIA_LIBS.test(p ?? '')),
      [],
      'no system FFmpeg mapped',
    );
    const { stdout: ldd } = await run('ldd', [addon ?? '']);
    t.diagnostic(`ldd ${addon}:\n${ldd}`);
    assert.doesNotMatch(ldd, SYSTEM_MEDIA_LIBS);
    assert.doesNotMatch(ldd, /not found/);

    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  },
);

test('the installed loader says which addon it loaded, and why it could not load one', async () => {
  const loader = join(installed, 'dist', 'src', 'core', 'stitcher', 'nativeBinding.js');
  const script = `const b = require(${JSON.stringify(loader)});
    try { console.log(JSON.stringify(b.nativeAddonInfo())); }
    catch (e) { console.log(JSON.stringify({ name: e.name, message: e.message })); }`;
  const info = JSON.parse((await run(process.execPath, ['-e', script], { env: userEnv })).stdout) as Record<
    string,
    string
  >;
  assert.equal(info.kind, 'prebuilt', JSON.stringify(info));
  assert.equal(info.path, join(installed, 'prebuilds', target, 'camera_mosaic.node'));
  // A release number such as 5.1.9; Debian's own libraries say 5.1.9-0+deb12u1.
  assert.match(info.ffmpegVersion, /^\d+\.\d+(\.\d+)?$/, 'the bundled FFmpeg, not a distribution build');

  const env = { ...userEnv, CAMERA_MOSAIC_NATIVE: 'local' };
  const failure = JSON.parse((await run(process.execPath, ['-e', script], { env })).stdout) as Record<
    string,
    string
  >;
  assert.equal(failure.name, 'NativeLoadError');
  assert.match(failure.message, /local \S+native\/build\/Release\/camera_mosaic\.node: not built/);
});

/** The shared objects a process has mapped, from /proc (what it really loaded). */
function mappedAddon(pid: number): string | undefined {
  const maps = readFileSync(`/proc/${pid}/maps`, 'utf8');
  return maps
    .split('\n')
    .find((line) => line.endsWith('camera_mosaic.node'))
    ?.split(/\s+/)
    .pop();
}

test('the same installed tarball runs in a real Node-RED', { timeout: 90_000 }, async () => {
  const enginePort = await freePortForHosts();
  const red = new NodeRedRuntime({
    node: process.execPath,
    redJs: require.resolve('node-red/red.js'),
    port: await freePortForHosts(),
    packageDir: installed,
  });
  try {
    await red.start();
    const nodes = await red.get<{ module: string; types: string[] }[]>('/nodes');
    assert.ok(
      nodes.some((n) => n.module === 'homebridge-camera-mosaic' && n.types.includes('mosaic-engine')),
      red.log,
    );
    await red.deploy([
      { id: 'tab', type: 'tab', label: 'mosaic' },
      {
        id: 'engine',
        type: 'mosaic-engine',
        cameras: [{ name: 'a', url: 'demo:color?c=red&size=160x90&rate=25', transport: 'tcp' }],
        width: '320',
        height: '180',
        port: String(enginePort),
        host: '127.0.0.1',
      },
      { id: 'status', type: 'mosaic-status', z: 'tab', engine: 'engine', interval: '0', wires: [[], []] },
    ]);
    const stats = await waitFor(
      'the mosaic in Node-RED to encode',
      async () => {
        const response = await fetch(`http://127.0.0.1:${enginePort}/stats`).catch(() => undefined);
        const body = response?.ok ? ((await response.json()) as { total_frames: number }) : undefined;
        return body && body.total_frames > 10 ? body : undefined;
      },
      30_000,
      250,
    );
    assert.ok(stats.total_frames > 10);
    assert.equal(
      mappedAddon(red.pid),
      realpathSync(join(installed, 'prebuilds', target, 'camera_mosaic.node')),
    );
  } finally {
    await red.dispose();
  }
});

test('the same installed tarball is loaded by a real Homebridge', { timeout: 90_000 }, async () => {
  const homebridge = await HomebridgeProcess.start({
    platform: {
      name: 'Camera Mosaic',
      cameras: [{ name: 'a', url: 'demo:color?c=red&size=160x90&rate=25' }],
      output: { width: 320, height: 180 },
    },
    pluginDir: installed,
  });
  try {
    await homebridge.waitForLog(/added camera accessory "Camera Mosaic"/, 30_000);
    await homebridge.waitForLog(/\[stitcher\] started/, 15_000);
  } finally {
    await homebridge.stop();
  }
});
