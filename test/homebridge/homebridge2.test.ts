import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { HttpClient } from 'hap-controller';
import { decodeH264, decodeJpeg } from '../fixtures/pixels';
import { colourMosaicConfig, quadrantColours } from '../helpers/colourMosaic';
import {
  findCamera,
  pairWithBridge,
  spsProfileIdc,
  startStream,
  stopStream,
  type CameraIds,
} from '../helpers/hapCamera';
import { homebridge2Runtime, type Homebridge2Runtime } from '../helpers/homebridge2Runtime';
import { HomebridgeProcess } from '../helpers/homebridgeRunner';
import { sleep, waitFor } from '../helpers/wait';

/** The same plugin on Homebridge 2.x (HAP-NodeJS 2, Node 22), as a child bridge. */
describe('Homebridge 2.x', { timeout: 400_000 }, () => {
  let runtime: Homebridge2Runtime | undefined;
  let homebridge: HomebridgeProcess | undefined;
  let client: HttpClient | undefined;
  let camera: CameraIds | undefined;

  before(async () => {
    try {
      runtime = await homebridge2Runtime();
    } catch (error) {
      // Every test here fails with this reason: Homebridge 2 is what most new users install.
      throw new Error(
        `Homebridge 2 could not be installed from the npm registry: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    homebridge = await HomebridgeProcess.start({
      platform: { name: 'Camera Mosaic', ...colourMosaicConfig(640, 360) },
      childBridge: true,
      nodeBinary: runtime.nodeBinary,
      homebridgeBin: runtime.homebridgeBin,
    });
    await homebridge.waitForLog(/added camera accessory "Camera Mosaic"/, 30_000);
    await homebridge.waitForLog(/Homebridge v2\.\d+\.\d+ .* is running on port/, 30_000);
    client = await pairWithBridge(homebridge.username, homebridge.port);
  });

  after(async () => {
    await client?.close();
    await homebridge?.dispose();
  });

  test('publishes the camera and answers a snapshot', async () => {
    assert.ok(client && homebridge, 'Homebridge 2 started');
    camera = await findCamera(client);
    assert.ok(camera, `no camera; log tail:\n${homebridge.tail()}`);
    await waitFor('cameras live', () => /camera yellow: live/.test(homebridge!.log), 15_000);
    await sleep(500);
    const frame = await decodeJpeg(await client.getImage(640, 360, camera.aid));
    assert.deepEqual([frame.width, frame.height], [640, 360]);
    assert.deepEqual(quadrantColours(frame), ['red', 'lime', 'blue', 'yellow']);
  });

  test('streams SRTP H.264 (high profile) that decodes at the requested size', async () => {
    assert.ok(client && camera, 'the camera was found');
    const video = { width: 640, height: 360, fps: 15, bitrateKbps: 300, profile: 2 };
    const stream = await startStream(client, camera, video);
    try {
      await waitFor('video packets', () => stream.receiver.packets.length > 50, 15_000);
      await sleep(1000);
      assert.equal(stream.receiver.decryptErrors, 0);
      // x264's profile is a ceiling: with the ultrafast preset it stays constrained baseline,
      // which every decoder that asked for high also plays.
      assert.match(homebridge!.log, /640x360@15 300 kbit\/s high/, 'the encoder was asked for high');
      assert.ok(
        [66, 77, 100].includes(spsProfileIdc(stream.receiver.annexB()) ?? 0),
        'a profile within high',
      );
      const frames = await decodeH264(stream.receiver.annexB());
      assert.ok(frames.length >= 5, `decoded ${frames.length} frames`);
      assert.deepEqual([frames[0].width, frames[0].height], [640, 360]);
      assert.deepEqual(quadrantColours(frames.at(-1)!), ['red', 'lime', 'blue', 'yellow']);
    } finally {
      await stopStream(client, camera, stream.sessionId);
    }
    await sleep(500);
    const afterStop = stream.receiver.packets.length;
    await sleep(1000);
    assert.equal(stream.receiver.packets.length, afterStop, 'no packets after stop');
    stream.receiver.close();
  });
});
