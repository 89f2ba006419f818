import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Stitcher, type TileStateEvent } from '../../../src/core/stitcher/stitcher';
import { startCameras, type RtspCamera } from '../../fixtures/rtspCamera';
import { assertTileColour, decodeJpeg } from '../../fixtures/pixels';
import { waitFor } from '../../helpers/wait';

// A camera that dies: its tile keeps the last picture until the (shortened) stale timeout, then
// turns black; brought back, it is live again without restarting the stitcher; the other tiles
// never stop updating.
const staleTimeoutMs = 2500;
// Two cameras on 640x360: two 320x180 cells (the canvas's shape), centred.
const left = { x: 0, y: 90, width: 320, height: 180 };
const right = { x: 320, y: 90, width: 320, height: 180 };

let cameras: RtspCamera[] = [];
let stitcher: Stitcher;
const events: TileStateEvent[] = [];

before(async () => {
  cameras = await startCameras([{ colour: 'ff0000' }, { colour: '0000ff' }]);
  stitcher = new Stitcher({
    cameras: [
      { name: 'dying', url: cameras[0].url },
      { name: 'steady', url: cameras[1].url },
    ],
    output: { width: 640, height: 360, fps: 25, bitrate: 1000000, gop: 25 },
    staleTimeoutMs,
    layout: { preset: 'grid', cameras: ['dying', 'steady'] },
  });
  stitcher.on('tilestate', (event) => events.push(event));
  await stitcher.start();
  await waitFor('both cameras live', () => stitcher.stats().cameras.every((c) => c.state === 'live'), 15000);
});

after(async () => {
  await stitcher?.stop();
  await Promise.all(cameras.map((camera) => camera.stop()));
});

const camera = (name: string) => stitcher.stats().cameras.find((c) => c.name === name)!;
const tile = (name: string) => stitcher.stats().tiles.find((t) => t.camera === name)!;
const picture = async () => decodeJpeg(await stitcher.snapshot());

test('a dead camera: cached picture, then black after the timeout, then live again', async () => {
  assertTileColour(await picture(), left, 'ff0000', 40, 'dying camera before it dies');
  const framesBefore = stitcher.stats().output.frames;
  await cameras[0].stop();
  const killedAt = Date.now();

  // Within the timeout: the last picture stays.
  await waitFor('the tile to stop receiving frames', () => tile('dying').content === 'cached', 3000, 50);
  assert.ok(Date.now() - killedAt < staleTimeoutMs - 500, 'cached well before the timeout');
  assertTileColour(await picture(), left, 'ff0000', 40, 'cached picture');

  // After it: black, while the other tile keeps updating.
  const steadyFrames = camera('steady').frames;
  await waitFor(
    'the dead tile to turn black',
    () => tile('dying').content === 'black',
    staleTimeoutMs + 2000,
    50,
  );
  assert.ok(Date.now() - killedAt >= staleTimeoutMs - 100, 'black only after the timeout');
  const shot = await picture();
  assertTileColour(shot, left, '000000', 24, 'stale tile');
  assertTileColour(shot, right, '0000ff', 40, 'steady tile');
  assert.ok(camera('steady').frames > steadyFrames + 25, 'the steady camera kept delivering');
  assert.ok(['offline', 'connecting', 'stale'].includes(camera('dying').state));
  assert.ok(events.some((e) => e.camera === 'dying' && (e.state === 'offline' || e.state === 'stale')));

  // Restart: back to live with no stitcher restart.
  await cameras[0].restart();
  await waitFor('the camera to come back live', () => camera('dying').state === 'live', 15000);
  await waitFor('its tile to show it', () => tile('dying').content === 'live', 2000, 50);
  assertTileColour(await picture(), left, 'ff0000', 40, 'revived camera');
  assert.ok(camera('dying').reconnects >= 1, 'reconnected');
  assert.ok(stitcher.stats().output.frames > framesBefore + 50, 'the output never stopped');
  assert.equal(stitcher.stats().output.skippedTicks, 0);
});
