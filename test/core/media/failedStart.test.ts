import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ConfigError } from '../../../src/core/errors';
import { MediaCore } from '../../../src/core/media/mediaCore';
import { defaultFontPath } from '../../../src/core/stitcher/defaultFont';
import { loadNativeAddon } from '../../../src/core/stitcher/nativeBinding';
import { Stitcher } from '../../../src/core/stitcher/stitcher';
import { recordingSink } from '../../helpers/colourMosaic';
import { openFdCount, threadCount } from '../../helpers/processUsage';
import { assertNoCameraPulled, smallOutput, twoMosaics } from '../../helpers/failedStart';
import { mediaThreads, SilentCamera } from '../../helpers/silentCamera';
import { sleep, waitFor } from '../../helpers/wait';

// A start that fails halfway (issue 19): whatever part fails, nothing keeps running and no camera
// stays pulled — judged from outside (the camera's own connections, this process's threads and
// descriptors), not only from what the code under test says of itself.
let camera: SilentCamera;
const folder = mkdtempSync(join(tmpdir(), 'camera-mosaic-failed-start-'));
const logs: string[] = [];

before(async () => {
  camera = await SilentCamera.start();
});

after(async () => {
  await camera.close();
  rmSync(folder, { recursive: true, force: true });
});

/** Nothing of `core` runs, no camera is pulled, and the process is back where it was. */
async function assertNothingLeft(core: MediaCore, baseline: { threads: number; fds: number }) {
  await assertNoCameraPulled(core, camera);
  await sleep(100);
  assert.equal(threadCount(), baseline.threads, 'threads');
  assert.ok(openFdCount() <= baseline.fds, `descriptors ${baseline.fds} → ${openFdCount()}`);
}

test('a font missing on the second mosaic fails start() after the cameras and the first mosaic started; nothing is left, and it starts once the font is there', async () => {
  const font = join(folder, 'missing.ttf');
  // Warm-up: the addon, x264's tables and libuv's thread pool reach their steady size.
  const warm = new MediaCore(twoMosaics(camera, defaultFontPath() ?? ''), { logSink: recordingSink(logs) });
  await warm.start();
  await warm.close();
  await waitFor('the warm-up camera connection to close', () => camera.connections === 0, 5000);
  await sleep(100);
  const baseline = { threads: threadCount(), fds: openFdCount() };

  const core = new MediaCore(twoMosaics(camera, font), { logSink: recordingSink(logs) });
  const events: string[] = [];
  core.on('start', () => events.push('start'));
  core.on('stop', () => events.push('stop'));
  core.mosaic('a').on('start', () => events.push('a started'));
  core.hub.on('start', () => events.push('cameras started'));
  await assert.rejects(
    core.start(),
    (error: unknown) =>
      error instanceof ConfigError &&
      /mosaics\[1\]\.labels\.font: .*cannot be opened \(ENOENT\)/.test(error.message),
  );
  assert.deepEqual(
    events,
    ['cameras started', 'a started'],
    'it failed halfway, not before starting anything',
  );
  await assertNothingLeft(core, baseline);

  copyFileSync(defaultFontPath() ?? '', font);
  await core.start();
  assert.equal(core.running, true);
  await waitFor('the camera pulled again', () => camera.connections > 0, 5000);
  assert.ok(mediaThreads().includes('cm-clock'));
  await core.close();
  await assertNothingLeft(core, baseline);
  assert.deepEqual(events, ['cameras started', 'a started', 'cameras started', 'a started', 'start', 'stop']);
});

test('a standalone Stitcher whose native start throws (no libx264) closes the cameras it opened', async () => {
  const addon = loadNativeAddon();
  const Native = addon.Stitcher;
  // The encoder opens in the native start(); a build without libx264 throws there.
  addon.Stitcher = class extends Native {
    override start(): void {
      throw new Error('libx264 encoder not available in this FFmpeg');
    }
  };
  const stitcher = new Stitcher(
    { cameras: [{ name: 'silent', url: camera.url() }], output: smallOutput },
    { logger: { debug() {}, info() {}, warn() {}, error() {} } },
  );
  try {
    await assert.rejects(stitcher.start(), /libx264 encoder not available/);
  } finally {
    addon.Stitcher = Native;
  }
  assert.equal(stitcher.running, false);
  assert.equal(stitcher.hub.running, false, 'its own hub is stopped again');
  assert.deepEqual(stitcher.hub.streams(), []);
  assert.deepEqual(
    mediaThreads().filter((name) => name.startsWith('cm-cam')),
    [],
  );
  await waitFor('the camera to see its connection closed', () => camera.connections === 0, 5000);
  // With the encoder back, the same Stitcher starts.
  await stitcher.start();
  await waitFor('the camera pulled', () => camera.connections > 0, 5000);
  await stitcher.stop();
  assert.equal(stitcher.hub.running, false);
});
