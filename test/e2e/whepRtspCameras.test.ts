import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Engine } from '../../src/core/engine';
import { startCameras, type RtspCamera } from '../fixtures/rtspCamera';
import { assertTileColour, decodeH264 } from '../fixtures/pixels';
import { classic4Rects } from '../helpers/classic4';
import { waitFor } from '../helpers/wait';
import { WhepClient } from '../helpers/whepClient';

// The whole path on real parts: GStreamer RTSP cameras → native mosaic → WHEP → a werift viewer,
// whose depacketized H.264 decodes to the classic 1080p layout with every camera in its tile.
const colours = { left: 'ff0000', top: '00ff00', bottom: '0000ff', right: 'ffffff' } as const;
const names = Object.keys(colours) as (keyof typeof colours)[];

let cameras: RtspCamera[] = [];
let engine: Engine;
let client: WhepClient | undefined;

before(async () => {
  cameras = await startCameras(names.map((name) => ({ colour: colours[name] })));
  engine = new Engine(
    {
      cameras: names.map((name, i) => ({ name, url: cameras[i].url })),
      output: { width: 1920, height: 1080, fps: 25, bitrate: 4000000, gop: 50 },
      layout: { preset: 'classic4', cameras: names, fit: 'cover' },
    },
    { port: 0, host: '127.0.0.1', logSink: () => undefined },
  );
  await engine.start();
  await waitFor(
    'all cameras live',
    () => engine.stitcher.stats().cameras.every((c) => c.state === 'live'),
    15000,
  );
});

after(async () => {
  await client?.close();
  await engine?.close();
  await Promise.all(cameras.map((camera) => camera.stop()));
});

test('a WHEP viewer of real RTSP cameras decodes 1920x1080 with the right tile colours', async () => {
  client = await WhepClient.connect(`${engine.url}/whep`);
  await waitFor('25 access units', () => client!.units.length >= 25, 10000);
  assert.ok(client.units[0].keyframe, 'starts on a keyframe');
  const frames = await decodeH264(client.annexB());
  const last = frames[frames.length - 1];
  assert.equal(`${last.width}x${last.height}`, '1920x1080');
  for (const name of names) assertTileColour(last, classic4Rects[name], colours[name], 40, name);
});
