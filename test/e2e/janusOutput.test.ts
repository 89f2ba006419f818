import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Stitcher } from '../../src/core/stitcher/stitcher';
import { JanusServer, janusMountpoint } from '../fixtures/janusServer';
import { assertTileColour, decodeH264 } from '../fixtures/pixels';
import { JanusViewer } from '../helpers/janusViewer';
import { annexBFromRtp } from '../helpers/rtpH264';
import { waitFor } from '../helpers/wait';

// Scaling past one machine: the mosaic fed as plain RTP into a real Janus (its Streaming plugin),
// and a WebRTC viewer watching through Janus, not through us. Janus runs in a network namespace
// of the test's own: it leaves loopback out of ICE.
let janus: JanusServer;
let stitcher: Stitcher;
let viewer: JanusViewer | undefined;

before(async () => {
  janus = new JanusServer();
  await janus.start();
  stitcher = new Stitcher({
    cameras: [
      { name: 'red', url: 'demo:color?c=red&size=320x180&rate=25' },
      { name: 'blue', url: 'demo:color?c=blue&size=320x180&rate=25' },
    ],
    output: { width: 640, height: 360, fps: 25, bitrate: 1000000, gop: 25 },
    layout: { preset: 'grid', cameras: ['red', 'blue'] },
    outputs: [
      {
        name: 'janus',
        type: 'rtp',
        host: janus.rtpHost,
        port: janusMountpoint.port,
        payloadType: janusMountpoint.payloadType,
      },
    ],
  });
  await stitcher.start();
});

after(async () => {
  await viewer?.close();
  await stitcher?.stop();
  await janus?.stop();
});

test('a WebRTC viewer of Janus decodes the mosaic we feed it over RTP', async () => {
  viewer = await JanusViewer.watch(janus.apiUrl, janusMountpoint.id);
  await waitFor('RTP from Janus', () => viewer!.packets.length > 60, 20000);
  const frames = await decodeH264(annexBFromRtp(viewer.packets));
  assert.ok(frames.length >= 5, `${frames.length} frames decoded`);
  const last = frames[frames.length - 1];
  assert.equal(`${last.width}x${last.height}`, '640x360');
  assertTileColour(last, { x: 0, y: 90, width: 320, height: 180 }, 'ff0000', 40, 'red through Janus');
  assertTileColour(last, { x: 320, y: 90, width: 320, height: 180 }, '0000ff', 40, 'blue through Janus');
});
