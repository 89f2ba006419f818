import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, test } from 'node:test';
import { HttpClient } from 'hap-controller';
import { freePort } from '../fixtures/rtspCamera';
import { decodeJpeg } from '../fixtures/pixels';
import { findCamera, pairWithBridge } from '../helpers/hapCamera';
import { HomebridgeProcess } from '../helpers/homebridgeRunner';

/**
 * Restarting Homebridge reuses the cached accessory (no second camera in the Home app), and a
 * camera that never connects — with a password in its URL — leaves the bridge serving the
 * mosaic, with a log line that names the camera and masks the password.
 */
const password = 's3cret-Pa55';
let storageDir: string | undefined;
const running: HomebridgeProcess[] = [];

after(async () => {
  await Promise.all(running.map((hb) => hb.stop()));
  if (storageDir) rmSync(storageDir, { recursive: true, force: true });
});

test(
  'restores the cached accessory on restart; a dead camera is logged, masked',
  { timeout: 90_000 },
  async () => {
    const deadPort = await freePort();
    const platform = {
      name: 'Mosaic',
      cameras: [
        { name: 'red', url: 'demo:color?c=red&size=320x180&rate=25' },
        { name: 'door', url: `rtsp://admin:${password}@127.0.0.1:${deadPort}/stream` },
      ],
      output: { width: 640, height: 360, fps: 25, bitrate: 500_000 },
      staleTimeoutMs: 1000,
    };
    const first = await HomebridgeProcess.start({ platform });
    running.push(first);
    storageDir = first.storageDir;
    await first.waitForLog(/added camera accessory "Mosaic"/, 30_000);
    await first.waitForLog(/Homebridge .* is running on port/, 30_000);
    const offline = await first.waitForLog(/camera door .*cannot be reached/, 20_000);
    assert.match(offline, /rtsp:\/\/admin:\*\*\*@127\.0\.0\.1/, 'the URL is shown with the password masked');
    const client = await pairWithBridge(first.username, first.port);
    const camera = await findCamera(client);
    assert.ok(camera, 'camera published');
    const snapshot = await decodeJpeg(await client.getImage(640, 360, camera.aid));
    assert.deepEqual([snapshot.width, snapshot.height], [640, 360], 'snapshots work beside a dead camera');
    const pairing = client.getLongTermData();
    await client.close();
    assert.ok(first.alive, 'Homebridge still running');
    // Homebridge exits 128 + SIGTERM after its shutdown handlers ran.
    assert.ok([0, 143].includes((await first.stop()) ?? -1), `clean exit; log tail:\n${first.tail()}`);
    assert.match(first.log, /\[stitcher\] stopped/, 'the mosaic stopped on shutdown');

    const second = await HomebridgeProcess.start({ platform, storageDir });
    running.push(second);
    await second.waitForLog(/restored camera accessory "Mosaic" from the cache/, 30_000);
    await second.waitForLog(/Homebridge .* is running on port/, 30_000);
    assert.doesNotMatch(second.log, /added camera accessory/);
    const again = new HttpClient(second.username, '127.0.0.1', second.port, pairing ?? undefined);
    const { accessories } = await again.getAccessories();
    await again.close();
    assert.equal(accessories.length, 2, 'the bridge and one camera, no duplicate');
    await second.stop();

    for (const log of [first.log, second.log]) {
      assert.ok(!log.includes(password), 'the password never reaches the log');
    }
  },
);
