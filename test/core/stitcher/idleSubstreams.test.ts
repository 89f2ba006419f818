import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Stitcher } from '../../../src/core/stitcher/stitcher';
import { startCameras, type RtspCamera } from '../../fixtures/rtspCamera';
import {
  colourDistance,
  decodeH264,
  decodeJpeg,
  hexToRgb,
  meanColour,
  type RgbFrame,
} from '../../fixtures/pixels';
import { AccessUnitRecorder } from '../../helpers/recorder';
import { sleep, waitFor } from '../../helpers/wait';

// While nobody watches, a camera with a substream is kept on its substream only: its main stream
// (the costly decode) closes, snapshots still show the camera, and the first frame after waking
// shows the substream's picture until the main stream is back: never black.
// The main stream (1280x720) is red, the substream (480x270) blue, as two profiles of one camera.
const mainColour = 'ff0000';
const subColour = '0000ff';
const doorTile = { x: 0, y: 0, width: 1280, height: 720 };

let cameras: RtspCamera[] = [];
let stitcher: Stitcher;

before(async () => {
  cameras = await startCameras([
    { colour: mainColour, width: 1280, height: 720 },
    { colour: subColour, width: 480, height: 270 },
  ]);
  stitcher = new Stitcher(
    {
      cameras: [{ name: 'door', url: cameras[0].url, subUrl: cameras[1].url }],
      output: { width: 1280, height: 720, fps: 25, gop: 25 },
      layout: { preset: 'grid', cameras: ['door'] },
      mainStreamIdleMs: 1000,
    },
    { idleAfterMs: 500 },
  );
  await stitcher.start();
});

after(async () => {
  await stitcher?.stop();
  await Promise.all(cameras.map((camera) => camera.stop()));
});

const mainState = () => stitcher.stats().cameras[0].streams.find((s) => s.stream === 'main')?.state;
const shownStream = () => stitcher.stats().tiles[0].showing.stream;

function closestColour(frame: RgbFrame): string {
  const mean = meanColour(frame, doorTile, 16);
  return [mainColour, subColour, '000000'].reduce((best, hex) =>
    colourDistance(mean, hexToRgb(hex)) < colourDistance(mean, hexToRgb(best)) ? hex : best,
  );
}

test('watched, the big tile shows the main stream', async () => {
  const release = stitcher.want('test');
  try {
    await waitFor('the main stream shown', () => mainState() === 'live' && shownStream() === 'main', 15000);
  } finally {
    release();
  }
});

test('idle, the main stream closes and a snapshot shows the substream', async () => {
  await waitFor('the encoder to rest', () => stitcher.stats().output.idle, 3000);
  await waitFor('the main stream closed', () => mainState() === 'idle', 5000);
  assert.equal(shownStream(), 'sub');
  assert.equal(closestColour(await decodeJpeg(await stitcher.snapshot())), subColour);
});

test('waking, the first frame shows the substream at once and the main stream follows', async () => {
  await waitFor('the encoder to rest', () => stitcher.stats().output.idle, 3000);
  // The snapshot above was a lease too: its main stream reopened, and closes again.
  await waitFor('the main stream closed', () => mainState() === 'idle', 5000);
  const recorder = new AccessUnitRecorder(stitcher); // a lease: wakes the encoder
  try {
    await waitFor('the main stream shown again', () => shownStream() === 'main', 10000);
    await sleep(500);
  } finally {
    recorder.stop();
  }
  const frames = await decodeH264(recorder.annexB());
  assert.ok(frames.length >= 5, `decoded ${frames.length} frames`);
  assert.equal(closestColour(frames[0]), subColour, 'the first frame is the substream, not black');
  assert.equal(closestColour(frames[frames.length - 1]), mainColour);
});
