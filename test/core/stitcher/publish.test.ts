import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { RtpPacket } from 'werift';
import { Stitcher, type OutputStateEvent } from '../../../src/core/stitcher/stitcher';
import { assertTileColour, decodeH264 } from '../../fixtures/pixels';
import { RtspRecordServer } from '../../fixtures/rtspRecordServer';
import { annexBFromRtp } from '../../helpers/rtpH264';
import { waitFor } from '../../helpers/wait';

// Publishing the encoded mosaic, as encoded, to media servers: RTSP RECORD (MediaMTX-style)
// and plain RTP (Janus-style). A failing output never disturbs the mosaic.
let server: RtspRecordServer;
let receiver: Socket;
const rtp: RtpPacket[] = [];
let stitcher: Stitcher;
const events: OutputStateEvent[] = [];

before(async () => {
  server = new RtspRecordServer();
  await server.start();
  receiver = createSocket('udp4');
  receiver.on('message', (message) => rtp.push(RtpPacket.deSerialize(message)));
  await new Promise<void>((resolve) => receiver.bind(0, '127.0.0.1', resolve));
  stitcher = new Stitcher({
    cameras: [
      { name: 'red', url: 'demo:color?c=red&size=320x180&rate=25' },
      { name: 'blue', url: 'demo:color?c=blue&size=320x180&rate=25' },
    ],
    output: { width: 640, height: 360, fps: 25, bitrate: 1000000, gop: 25 },
    layout: { preset: 'grid', cameras: ['red', 'blue'] },
    outputs: [
      { name: 'mediamtx', type: 'rtsp', url: server.url.replace('rtsp://', 'rtsp://pub:s3cr3t-pub@') },
      { name: 'janus', type: 'rtp', host: '127.0.0.1', port: receiver.address().port, payloadType: 100 },
    ],
  });
  stitcher.on('outputstate', (event) => events.push(event));
  await stitcher.start();
});

after(async () => {
  await stitcher?.stop();
  await server?.stop();
  receiver?.close();
});

const output = (name: string) => stitcher.stats().outputs.find((o) => o.name === name)!;

/** The frames the server has recorded so far; none while it has no file or only a partial header. */
async function recordedFrames() {
  if (!existsSync(server.recording) || statSync(server.recording).size === 0) return [];
  return decodeH264(readFileSync(server.recording)).catch(() => []);
}

test('RTSP publish: the server records the mosaic at its size, rate and colours', async () => {
  await waitFor('the RTSP output to be live', () => output('mediamtx').state === 'live', 10000);
  // A second of frames, however long a loaded machine takes to record it.
  let frames: Awaited<ReturnType<typeof decodeH264>> = [];
  await waitFor(
    'a second of frames recorded',
    async () => (frames = await recordedFrames()).length >= 25,
    10000,
    250,
  ).catch((error: Error) => assert.fail(`${error.message}; ${frames.length} frames decoded`));
  const last = frames[frames.length - 1];
  assert.equal(`${last.width}x${last.height}`, '640x360');
  assertTileColour(last, { x: 0, y: 90, width: 320, height: 180 }, 'ff0000', 40, 'red');
  assertTileColour(last, { x: 320, y: 90, width: 320, height: 180 }, '0000ff', 40, 'blue');
  assert.doesNotMatch(JSON.stringify(stitcher.stats()), /s3cr3t-pub/);
});

test('RTP: packets carry the payload type asked for and depacketize to the mosaic', async () => {
  await waitFor('RTP packets', () => rtp.length > 100, 5000);
  assert.ok(
    rtp.every((p) => p.header.payloadType === 100),
    'payload type 100',
  );
  const annexB = annexBFromRtp(rtp);
  assert.ok(annexB.length > 0, 'a keyframe arrived');
  const frames = await decodeH264(annexB);
  const last = frames[frames.length - 1];
  assert.equal(`${last.width}x${last.height}`, '640x360');
  assertTileColour(last, { x: 0, y: 90, width: 320, height: 180 }, 'ff0000', 40, 'red over RTP');
});

test('the RTSP server restarting: publishing resumes by itself; the mosaic never stalls', async () => {
  const framesBefore = stitcher.stats().output.frames;
  const rtpBefore = rtp.length;
  await server.stop();
  await waitFor('the output to notice', () => output('mediamtx').state !== 'live', 8000);
  await server.restart();
  await waitFor('the output to be live again', () => output('mediamtx').state === 'live', 15000);
  // Count decoded frames, not bytes: the first keyframe alone can outweigh a dozen solid-colour
  // P-frames, so a size threshold was met at 9 frames on a loaded machine.
  let resumed = 0;
  await waitFor(
    'ten frames in the new recording',
    async () => (resumed = (await recordedFrames()).length) >= 10,
    8000,
    250,
  ).catch((error: Error) => assert.fail(`${error.message}; ${resumed} frames decoded`));
  assert.ok(output('mediamtx').reconnects >= 1);
  assert.ok(events.some((e) => e.output === 'mediamtx' && e.state === 'offline'));
  // The outage may be over within a second: wait for a second of frames rather than assume it.
  await waitFor(
    'the mosaic to keep encoding',
    () => stitcher.stats().output.frames > framesBefore + 25,
    5000,
  );
  await waitFor(
    'the other output to keep sending (a packet or more a frame)',
    () => rtp.length > rtpBefore + 25,
    5000,
  );
  assert.equal(stitcher.stats().output.skippedTicks, 0);
});

test('an output with nothing behind it is offline with a reason; outputs need their fields', async () => {
  assert.throws(
    () =>
      new Stitcher({
        cameras: [{ name: 'a', url: 'demo:testsrc2' }],
        outputs: [{ type: 'rtp', host: '127.0.0.1' }],
      }),
    /outputs\[0\]\.port: is required for an rtp output/,
  );
  assert.throws(
    () =>
      new Stitcher({
        cameras: [{ name: 'a', url: 'demo:testsrc2' }],
        outputs: [{ type: 'rtsp', url: 'http://x' }],
      }),
    /outputs\[0\]\.url: must start with rtsp:\/\//,
  );
});
