import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { HttpClient } from 'hap-controller';
import { decodeH264, decodeJpeg } from '../fixtures/pixels';
import { colourMosaicConfig, quadrantColours } from '../helpers/colourMosaic';
import {
  depacketizeH264,
  findCamera,
  pairWithBridge,
  selectedConfigurationRequest,
  sessionCommands,
  spsProfileIdc,
  startsWithSps,
  startStream,
  stopStream,
  type CameraIds,
  type VideoRequest,
} from '../helpers/hapCamera';
import { HomebridgeProcess } from '../helpers/homebridgeRunner';
import { sleep, waitFor } from '../helpers/wait';

/**
 * Homebridge 1.11 (the devDependency) with the plugin as a child bridge and four solid-colour demo
 * cameras on a 640x360 canvas; a hap-controller client plays the Home app.
 */
describe('Homebridge platform (Homebridge 1.11, child bridge)', { timeout: 120_000 }, () => {
  let homebridge: HomebridgeProcess;
  let client: HttpClient;
  let camera: CameraIds;

  before(async () => {
    homebridge = await HomebridgeProcess.start({
      platform: { name: 'Camera Mosaic', ...colourMosaicConfig(640, 360) },
      childBridge: true,
    });
    await homebridge.waitForLog(/added camera accessory "Camera Mosaic"/, 30_000);
    await homebridge.waitForLog(/\[stitcher\] started/, 15_000);
    await homebridge.waitForLog(/Homebridge .* is running on port/, 30_000);
    client = await pairWithBridge(homebridge.username, homebridge.port);
  });

  after(async () => {
    await client?.close();
    await homebridge?.dispose();
  });

  test('publishes one camera accessory with its stream services', async () => {
    const found = await findCamera(client);
    assert.ok(found, `no camera accessory; log tail:\n${homebridge.tail()}`);
    camera = found;
    assert.equal(camera.streamManagementServices, 2, 'two concurrent streams advertised');
  });

  test('answers a snapshot with a JPEG of the requested size showing the mosaic', async () => {
    await waitFor('cameras live', () => /camera yellow: live/.test(homebridge.log), 15_000);
    await sleep(500);
    const started = Date.now();
    const jpeg = await client.getImage(640, 360, camera.aid);
    const elapsedMs = Date.now() - started;
    assert.equal(jpeg.subarray(0, 2).toString('hex'), 'ffd8', 'a JPEG');
    const frame = await decodeJpeg(jpeg);
    assert.deepEqual([frame.width, frame.height], [640, 360]);
    assert.deepEqual(quadrantColours(frame), ['red', 'lime', 'blue', 'yellow']);
    assert.ok(elapsedMs < 2000, `snapshot took ${elapsedMs} ms`);
    const small = await decodeJpeg(await client.getImage(320, 180, camera.aid));
    assert.deepEqual([small.width, small.height], [320, 180]);
  });

  test('streams SRTP H.264 at the requested size, then stops on request', async () => {
    const stream = await startStream(client, camera, { width: 640, height: 360, fps: 15, bitrateKbps: 300 });
    try {
      await waitFor('video packets', () => stream.receiver.packets.length > 50, 15_000);
      await sleep(2000);
      const { packets } = stream.receiver;
      assert.equal(stream.receiver.decryptErrors, 0, 'every packet decrypts with our keys');
      assert.ok(
        packets.every((p) => p.header.payloadType === 99),
        'payload type as selected',
      );
      assert.ok(
        packets.every((p) => p.header.ssrc === stream.ssrc),
        'SSRC as announced',
      );
      assert.ok(
        packets.every((p) => p.serializeSize <= 1378 - 10),
        'packets fit the MTU with the SRTP tag',
      );
      const frames = await decodeH264(stream.receiver.annexB());
      assert.ok(frames.length >= 10, `decoded ${frames.length} frames`);
      assert.deepEqual([frames[0].width, frames[0].height], [640, 360]);
      assert.deepEqual(quadrantColours(frames.at(-1)!), ['red', 'lime', 'blue', 'yellow']);
      assert.ok(stream.receiver.senderReports > 0, 'RTCP sender reports arrive');
      assert.equal(spsProfileIdc(stream.receiver.annexB()), 66, 'constrained baseline as requested');
    } finally {
      await stopStream(client, camera, stream.sessionId);
    }
    await sleep(500);
    const afterStop = stream.receiver.packets.length;
    await sleep(1500);
    assert.equal(stream.receiver.packets.length, afterStop, 'no packets after the stream stopped');
    stream.receiver.close();
    await homebridge.waitForLog(/stream .*: stopped/, 2000);
  });

  test('reconfigure switches to the new size', async () => {
    const stream = await startStream(client, camera, { width: 640, height: 360, fps: 15, bitrateKbps: 300 });
    try {
      await waitFor('video packets', () => stream.receiver.packets.length > 20, 15_000);
      const small: VideoRequest = { width: 320, height: 180, fps: 15, bitrateKbps: 150 };
      await client.setCharacteristics({
        [`${camera.aid}.${camera.selectedConfiguration}`]: selectedConfigurationRequest(
          stream.sessionId,
          sessionCommands.reconfigure,
          small,
        ),
      });
      const switchedAt = stream.receiver.packets.length;
      await waitFor(
        'packets after reconfigure',
        () => stream.receiver.packets.length > switchedAt + 30,
        15_000,
      );
      await sleep(1000);
      // ffmpeg scales every frame to the stream's first size, so decode from the new rendition's
      // first keyframe (SPS/PPS lead it, in a STAP-A or alone) on.
      const { packets } = stream.receiver;
      const keyframeAt = packets.findIndex((p, i) => i >= switchedAt && startsWithSps(p.payload));
      assert.ok(keyframeAt >= 0, 'a keyframe follows the reconfigure');
      const frames = await decodeH264(depacketizeH264(packets.slice(keyframeAt)));
      const last = frames.at(-1)!;
      assert.deepEqual([last.width, last.height], [320, 180]);
      assert.deepEqual(quadrantColours(last), ['red', 'lime', 'blue', 'yellow']);
    } finally {
      await stopStream(client, camera, stream.sessionId);
      stream.receiver.close();
    }
  });

  test('two controllers stream at once from one shared rendition', async () => {
    const video: VideoRequest = { width: 320, height: 180, fps: 15, bitrateKbps: 150 };
    const second = { aid: camera.aid, ...camera.streams[1] };
    const streams = [await startStream(client, camera, video), await startStream(client, second, video)];
    try {
      await waitFor('packets on both', () => streams.every((s) => s.receiver.packets.length > 20), 15_000);
      await sleep(1000);
      for (const stream of streams) {
        const frames = await decodeH264(stream.receiver.annexB());
        assert.deepEqual([frames.at(-1)!.width, frames.at(-1)!.height], [320, 180]);
      }
      assert.notEqual(streams[0].ssrc, streams[1].ssrc, 'each stream has its own SSRC');
      assert.match(homebridge.log, /2 stream\(s\) on 1 HomeKit encoder\(s\)/, 'one encoder serves both');
    } finally {
      await stopStream(client, camera, streams[0].sessionId);
      await stopStream(client, second, streams[1].sessionId);
      for (const stream of streams) stream.receiver.close();
    }
  });

  test('a controller whose HAP connection drops mid-stream is stopped', async () => {
    const pairing = client.getLongTermData();
    assert.ok(pairing);
    const phone = new HttpClient(homebridge.username, '127.0.0.1', homebridge.port, pairing, {
      usePersistentConnections: true,
    });
    const stream = await startStream(phone, camera, { width: 320, height: 180, fps: 15, bitrateKbps: 150 });
    await waitFor('video packets', () => stream.receiver.packets.length > 10, 15_000);
    const stops = homebridge.log.split(/: stopped/).length;
    await phone.close();
    await waitFor('stream stopped', () => homebridge.log.split(/: stopped/).length > stops, 5000);
    await sleep(500);
    const afterStop = stream.receiver.packets.length;
    await sleep(1000);
    assert.equal(stream.receiver.packets.length, afterStop, 'the stream stopped');
    stream.receiver.close();
  });

  test('a controller that vanishes mid-stream (no RTCP) is dropped with a log line', async () => {
    const stream = await startStream(client, camera, { width: 320, height: 180, fps: 15, bitrateKbps: 150 });
    await waitFor('video packets', () => stream.receiver.packets.length > 10, 15_000);
    stream.receiver.silence();
    await homebridge.waitForLog(/sent nothing for 10 s; stream stopped/, 15_000);
    await sleep(500);
    const afterStop = stream.receiver.packets.length;
    await sleep(1000);
    assert.equal(stream.receiver.packets.length, afterStop, 'the stream stopped');
    stream.receiver.close();
    assert.ok(homebridge.alive);
    // The camera is free again: a snapshot still works.
    assert.equal((await client.getImage(320, 180, camera.aid)).subarray(0, 2).toString('hex'), 'ffd8');
  });
});
