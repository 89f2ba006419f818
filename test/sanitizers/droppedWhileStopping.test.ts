import './withoutPreload';
import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { loadNativeAddon } from '../../src/core/stitcher/nativeBinding';
import type { NativeSourcePool, NativeStitcher } from '../../src/core/stitcher/nativeTypes';
import { RtspCamera } from '../fixtures/rtspCamera';
import { collectGarbage } from '../helpers/processUsage';
import { sleep, waitFor } from '../helpers/wait';

// The native contract says stop() resolves once every media thread has ended; it does not ask
// the caller to keep the object until then. A caller that drops its last reference to a native
// camera pool or stitcher right after stop() (a host tearing down) lets the garbage collector
// finalize it while the stop still runs; the stop must hold what it uses, or it touches freed
// memory, which AddressSanitizer reports. The TypeScript classes keep their native object until
// the stop resolves, so this talks to the addon directly.
let camera: RtspCamera;

before(async () => {
  camera = new RtspCamera({ pattern: 'ball', width: 320, height: 180, fps: 15 });
  await camera.start();
});

after(async () => {
  await camera?.stop();
});

/** Collects garbage and lets finalizers run (node runs them on a later turn) until `work` settles. */
async function collectUntilSettled(work: Promise<void>): Promise<void> {
  let settled = false;
  const done = work.finally(() => (settled = true));
  for (let turn = 0; turn < 2000 && !settled; turn++) {
    collectGarbage();
    await nextTurn();
  }
  await done;
}

test('a native pool and stitcher dropped right after stop() stop cleanly, five times over', async () => {
  const addon = loadNativeAddon();
  for (let round = 0; round < 5; round++) {
    let live = false;
    let units = 0;
    let pool: NativeSourcePool | undefined = new addon.SourcePool({
      cameras: [{ name: 'a', url: camera.url, transport: 'tcp' }],
    });
    pool.start(
      (_camera, state) => (live ||= state === 'live'),
      () => undefined,
    );
    await waitFor('the camera live', () => live, 10_000, 20);
    let stitcher: NativeStitcher | undefined = new addon.Stitcher(
      {
        output: {
          width: 320,
          height: 180,
          fps: 15,
          bitrate: 300_000,
          gop: 15,
          preset: 'ultrafast',
          profile: 'baseline',
        },
        tiles: [{ camera: 'a', x: 0, y: 0, width: 320, height: 180 }],
        staleTimeoutMs: 10_000,
      },
      pool,
    );
    stitcher.start(
      () => units++,
      () => undefined,
    );
    await waitFor('an encoded access unit', () => units > 0, 10_000, 20);

    const stitcherStopped = stitcher.stop();
    stitcher = undefined;
    await collectUntilSettled(stitcherStopped);
    // Stopped means stopped: nothing more is delivered once stop() has resolved.
    const delivered = units;
    await sleep(200);
    assert.equal(units, delivered, 'access units arrived after stop() resolved');
    const poolStopped = pool.stop();
    pool = undefined;
    await collectUntilSettled(poolStopped);
  }
});
