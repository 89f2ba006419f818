import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Stitcher } from '../../../src/core/stitcher/stitcher';
import { startCameras, type RtspCamera } from '../../fixtures/rtspCamera';
import { assertTileColour, decodeH264 } from '../../fixtures/pixels';
import { AccessUnitRecorder } from '../../helpers/recorder';
import { classic4Rects } from '../../helpers/classic4';
import { sleep, waitFor } from '../../helpers/wait';

// Four real RTSP cameras, each a solid colour, stitched into the classic 1080p four-pane layout.
const colours = { left: 'ff0000', top: '00ff00', bottom: '0000ff', right: 'ffff00' } as const;
const names = Object.keys(colours) as (keyof typeof colours)[];
const frameTicks = 90000 / 25;

let cameras: RtspCamera[] = [];
let stitcher: Stitcher;

before(async () => {
  cameras = await startCameras(names.map((name) => ({ colour: colours[name] })));
  stitcher = new Stitcher({
    cameras: names.map((name, i) => ({ name, url: cameras[i].url })),
    output: { width: 1920, height: 1080, fps: 25, bitrate: 4000000, gop: 25 },
    // cover: the 16:9 cameras fill the tall side columns (contain, the default, would bar them).
    layout: { preset: 'classic4', cameras: names, fit: 'cover' },
  });
  await stitcher.start();
  await waitFor('all cameras live', () => stitcher.stats().cameras.every((c) => c.state === 'live'), 15000);
});

after(async () => {
  await stitcher?.stop();
  await Promise.all(cameras.map((camera) => camera.stop()));
});

async function recordFrames(
  ms: number,
): Promise<{ recorder: AccessUnitRecorder; frames: Awaited<ReturnType<typeof decodeH264>> }> {
  const recorder = new AccessUnitRecorder(stitcher);
  stitcher.requestKeyframe();
  await sleep(ms);
  recorder.stop();
  return { recorder, frames: await decodeH264(recorder.annexB()) };
}

test('the decoded stream is 1920x1080 with every camera in its classic4 tile', async () => {
  const { frames } = await recordFrames(1200);
  assert.ok(frames.length >= 10, `decoded ${frames.length} frames`);
  const last = frames[frames.length - 1];
  assert.equal(`${last.width}x${last.height}`, '1920x1080');
  for (const name of names) assertTileColour(last, classic4Rects[name], colours[name], 40, name);
});

test('gaps between tiles are black and contain letterboxes', async () => {
  stitcher.setLayout({
    tiles: [
      { camera: 'left', x: 0, y: 0, width: 800, height: 400, fit: 'stretch' },
      { camera: 'top', x: 960, y: 0, width: 800, height: 400, fit: 'stretch' },
      // 640x360 camera in a tall tile: a 480x270 picture centred, black above and below.
      { camera: 'bottom', x: 0, y: 540, width: 480, height: 540, fit: 'contain' },
      { camera: 'right', x: 960, y: 540, width: 960, height: 540, fit: 'cover' },
    ],
  });
  const { frames } = await recordFrames(1000);
  const last = frames[frames.length - 1];
  assertTileColour(last, { x: 0, y: 0, width: 800, height: 400 }, colours.left, 40, 'left');
  assertTileColour(last, { x: 960, y: 0, width: 800, height: 400 }, colours.top, 40, 'top');
  assertTileColour(last, { x: 800, y: 0, width: 160, height: 540 }, '000000', 24, 'gap between left and top');
  assertTileColour(last, { x: 0, y: 400, width: 1920, height: 140 }, '000000', 24, 'gap under the top row');
  assertTileColour(last, { x: 0, y: 676, width: 480, height: 268 }, colours.bottom, 40, 'contained picture');
  assertTileColour(last, { x: 0, y: 540, width: 480, height: 134 }, '000000', 24, 'letterbox above');
  assertTileColour(last, { x: 0, y: 946, width: 480, height: 134 }, '000000', 24, 'letterbox below');
  assertTileColour(
    last,
    { x: 960, y: 540, width: 960, height: 540 },
    colours.right,
    40,
    'cover fills its tile',
  );
});

test('setLayout moves the colours to their new rectangles with continuous pts', async () => {
  stitcher.setLayout({ preset: 'classic4', cameras: names, fit: 'cover' });
  const skippedBefore = stitcher.stats().output.skippedTicks;
  // Units reach JS some frames after they are made: let those made before the count go by, or a
  // skip counted before it would show up in the recording.
  await sleep(500);
  const recorder = new AccessUnitRecorder(stitcher);
  await sleep(600);
  const tiles = stitcher.setLayout({ preset: 'grid', cameras: ['right', 'bottom', 'top', 'left'] });
  await sleep(800);
  recorder.stop();
  // One frame interval between access units, except where the output clock fell behind (1080p
  // on two busy cores): those frames are counted as skipped ticks, and nothing else may be missing.
  const skipped = stitcher.stats().output.skippedTicks - skippedBefore;
  const gaps = recorder.ptsGaps(frameTicks);
  const missing = gaps.reduce((sum, gap) => sum + gap.delta / frameTicks - 1, 0);
  assert.ok(
    gaps.every((gap) => gap.delta > frameTicks && gap.delta % frameTicks === 0) && missing <= skipped,
    `pts gaps ${JSON.stringify(gaps)} with ${skipped} skipped ticks`,
  );
  const frames = await decodeH264(recorder.annexB());
  const last = frames[frames.length - 1];
  for (const tile of tiles) {
    assertTileColour(last, tile, colours[tile.camera as keyof typeof colours], 40, `grid ${tile.camera}`);
  }
  assert.equal(
    stitcher.stats().cameras.reduce((sum, c) => sum + c.reconnects, 0),
    0,
    'no camera reconnected for the re-layout',
  );
});
