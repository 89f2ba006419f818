import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Stitcher } from '../../../src/core/stitcher/stitcher';
import { startCameras, type RtspCamera } from '../../fixtures/rtspCamera';
import { colourDistance, decodeH264, hexToRgb, meanColour, type RgbFrame } from '../../fixtures/pixels';
import { AccessUnitRecorder } from '../../helpers/recorder';
import { sleep, waitFor } from '../../helpers/wait';

// One camera whose main stream (1280x720) is red and whose substream (480x270) is blue, as a real
// camera's two profiles would differ in size; a second camera, green, fills the other tiles.
const mainColour = 'ff0000';
const subColour = '0000ff';
const otherColour = '00ff00';
const grid = { preset: 'grid', cameras: ['door', 'yard', 'yard', 'yard'] } as const;
const doorTile = { x: 0, y: 0, width: 640, height: 360 };
const canvas = { x: 0, y: 0, width: 1280, height: 720 };

let cameras: RtspCamera[] = [];
let stitcher: Stitcher;

before(async () => {
  cameras = await startCameras([
    { colour: mainColour, width: 1280, height: 720 },
    { colour: subColour, width: 480, height: 270 },
    { colour: otherColour },
  ]);
  stitcher = new Stitcher({
    cameras: [
      { name: 'door', url: cameras[0].url, subUrl: cameras[1].url },
      { name: 'yard', url: cameras[2].url },
    ],
    output: { width: 1280, height: 720, fps: 25, gop: 25 },
    layout: grid,
    mainStreamIdleMs: 1500,
  });
  await stitcher.start();
  await waitFor('both cameras live', () => stitcher.stats().cameras.every((c) => c.state === 'live'), 15000);
});

after(async () => {
  await stitcher?.stop();
  await Promise.all(cameras.map((camera) => camera.stop()));
});

function streamState(stream: 'main' | 'sub'): string | undefined {
  return stitcher
    .stats()
    .cameras.find((c) => c.name === 'door')
    ?.streams.find((s) => s.stream === stream)?.state;
}

function closestColour(frame: RgbFrame, rect: typeof doorTile): string {
  const mean = meanColour(frame, rect);
  const candidates = [mainColour, subColour, '000000'];
  return candidates.reduce((best, hex) =>
    colourDistance(mean, hexToRgb(hex)) < colourDistance(mean, hexToRgb(best)) ? hex : best,
  );
}

/** The mosaic's frames for `ms` after `during`; `atEnd` runs as the recording stops. */
async function record(ms: number, during?: () => void, atEnd?: () => void): Promise<RgbFrame[]> {
  const recorder = new AccessUnitRecorder(stitcher);
  stitcher.requestKeyframe();
  await sleep(200);
  during?.();
  await sleep(ms);
  recorder.stop();
  atEnd?.();
  return decodeH264(recorder.annexB());
}

test('a small tile shows the substream, and the main stream is never opened for it', async () => {
  const frames = await record(500);
  assert.ok(frames.length > 5);
  assert.equal(closestColour(frames[frames.length - 1], doorTile), subColour);
  assert.equal(streamState('main'), 'idle');
  const tile = stitcher.stats().tiles[0];
  assert.deepEqual(tile.showing, { camera: 'door', stream: 'sub' });
});

test('focused, the tile switches to the main stream with no black frame between', async () => {
  const frames = await record(2500, () => stitcher.setLayout({ preset: 'focus', camera: 'door' }));
  // The top-left quarter is the door's in both layouts: sub (blue) before, then main (red).
  const seen = frames.map((frame) => closestColour(frame, doorTile));
  assert.ok(!seen.includes('000000'), `a black frame in ${seen.join(' ')}`);
  assert.equal(seen[seen.length - 1], mainColour, `ends on ${seen[seen.length - 1]}`);
  const firstMain = seen.indexOf(mainColour);
  assert.ok(
    firstMain > 0 && seen.slice(0, firstMain).every((c) => c === subColour),
    'sub until main delivers',
  );
  assert.equal(streamState('main'), 'live');
  assert.deepEqual(stitcher.stats().tiles[0].showing, { camera: 'door', stream: 'main' });
});

test('back to a small tile: the substream at once, and the unused main stream closes after the grace period', async () => {
  let mainAfterSwitch: string | undefined;
  // Read when the recording ends (0.6 s into the 1.5 s grace period), not after decoding it,
  // which a loaded machine stretches past the grace period.
  const frames = await record(
    600,
    () => stitcher.setLayout(grid),
    () => {
      mainAfterSwitch = streamState('main');
    },
  );
  assert.equal(closestColour(frames[frames.length - 1], doorTile), subColour);
  assert.equal(mainAfterSwitch, 'live', 'still open during the grace period');
  await waitFor('main stream closed', () => streamState('main') === 'idle', 5000);
  assert.equal(
    stitcher.stats().cameras.find((c) => c.name === 'door')?.state,
    'live',
    'the camera stays live',
  );
});

test('"stream": "main" on a small tile opens the main stream', async () => {
  stitcher.setLayout({ tiles: [{ camera: 'door', ...doorTile, stream: 'main' }] });
  await waitFor('main stream live', () => streamState('main') === 'live', 5000);
  const frames = await record(600);
  assert.equal(closestColour(frames[frames.length - 1], doorTile), mainColour);
});

test('a timeshare tile shows each of its cameras in turn', async () => {
  stitcher.setLayout({ tiles: [{ cameras: ['door', 'yard'], rotateMs: 1000, ...canvas, stream: 'sub' }] });
  const shown: string[] = [];
  const started = Date.now();
  while (Date.now() - started < 3200) {
    shown.push(stitcher.stats().tiles[0].showing.camera);
    await sleep(100);
  }
  // Runs of one camera, alternating, each about a second (10 samples) long.
  const runs = shown.reduce<{ camera: string; length: number }[]>((list, camera) => {
    const last = list[list.length - 1];
    if (last?.camera === camera) last.length++;
    else list.push({ camera, length: 1 });
    return list;
  }, []);
  assert.ok(runs.length >= 3, `runs: ${JSON.stringify(runs)}`);
  for (const run of runs.slice(1, -1)) {
    assert.ok(run.length >= 7 && run.length <= 13, `a run of ${run.length} samples: ${JSON.stringify(runs)}`);
  }
  const frames = await record(2200);
  const colours = new Set(frames.map((frame) => closestColourOf(frame)));
  assert.ok(colours.has(subColour) && colours.has(otherColour), `colours seen: ${[...colours].join(', ')}`);
});

function closestColourOf(frame: RgbFrame): string {
  const mean = meanColour(frame, canvas);
  return [subColour, otherColour, mainColour, '000000'].reduce((best, hex) =>
    colourDistance(mean, hexToRgb(hex)) < colourDistance(mean, hexToRgb(best)) ? hex : best,
  );
}
