import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { MosaicMetrics } from '../../../src/core/http/metrics';
import type { MotionEvent } from '../../../src/core/stitcher/cameraHub';
import { Stitcher } from '../../../src/core/stitcher/stitcher';
import type { Tile } from '../../../src/core/layout/tile';
import { startCameras, type RtspCamera } from '../../fixtures/rtspCamera';
import { sleep, waitFor } from '../../helpers/wait';

// Two cameras showing a still test pattern; one of them starts moving (its picture scrolls), as a
// scene does when someone walks in. The `auto` layout puts the moving one in the big tile.
// GStreamer's `smpte` pattern has a patch of noise in its bottom band, as a camera's own
// timestamp overlay would: the hall camera masks it out.
let cameras: RtspCamera[] = [];
let stitcher: Stitcher;
const motion: (MotionEvent & { at: number })[] = [];
const layouts: { big: string; at: number }[] = [];

before(async () => {
  cameras = await startCameras([{ pattern: 'smpte' }, { pattern: 'smpte100' }]);
  stitcher = new Stitcher({
    cameras: [
      { name: 'hall', url: cameras[0].url, motion: { masks: [{ x: 0, y: 0.6, width: 1, height: 0.4 }] } },
      { name: 'drive', url: cameras[1].url },
    ],
    output: { width: 1280, height: 720, fps: 25 },
    layout: { preset: 'auto', cameras: ['hall', 'drive'], holdMs: 1000, quietMs: 1500 },
  });
  stitcher.hub.on('motion', (event) => motion.push({ ...event, at: Date.now() }));
  stitcher.on('layout', (tiles: readonly Tile[]) => layouts.push({ big: tiles[0].camera, at: Date.now() }));
  await stitcher.start();
  await waitFor('both cameras live', () => stitcher.stats().cameras.every((c) => c.state === 'live'), 15000);
});

after(async () => {
  await stitcher?.stop();
  await Promise.all(cameras.map((camera) => camera.stop()));
});

test('a still picture raises no motion, and a mask hides a noisy area', async () => {
  await sleep(1500);
  assert.deepEqual(motion, []);
  assert.equal(stitcher.tiles[0].camera, 'hall', 'the first camera starts big');
  const drive = stitcher.stats().cameras.find((c) => c.name === 'drive');
  assert.deepEqual(drive?.motion, { active: false, score: 0 });
});

test('a camera that starts moving raises a motion event within 1 s and takes the big tile', async () => {
  const started = Date.now();
  cameras[1].startMoving();
  await waitFor('motion on drive', () => motion.some((m) => m.camera === 'drive' && m.active), 3000);
  const event = motion.find((m) => m.camera === 'drive' && m.active);
  assert.ok(event && event.at - started <= 1000, `motion after ${event && event.at - started} ms`);
  assert.ok(event.score > 0);
  await waitFor('drive in the big tile', () => stitcher.tiles[0].camera === 'drive', 2000);
  assert.equal(stitcher.stats().cameras.find((c) => c.name === 'drive')?.motion?.active, true);
  const metrics = await new MosaicMetrics({ stats: () => stitcher.stats(), viewers: () => [] }).text();
  assert.match(metrics, /^camera_mosaic_camera_motion\{camera="drive"\} 1$/m);
  assert.match(metrics, /^camera_mosaic_camera_motion\{camera="hall"\} 0$/m);
  assert.match(metrics, /^camera_mosaic_camera_motion_score\{camera="drive"\} [0-9.]+$/m);
  assert.ok(!motion.some((m) => m.camera === 'hall'), 'the still camera never moved');
});

test('after the quiet period the first camera takes the big tile back', async () => {
  cameras[1].stopMoving();
  const stopped = Date.now();
  await waitFor('motion ends', () => motion.some((m) => m.camera === 'drive' && !m.active), 6000);
  await waitFor('hall back in the big tile', () => stitcher.tiles[0].camera === 'hall', 4000);
  const back = layouts[layouts.length - 1];
  const ended = motion.find((m) => m.camera === 'drive' && !m.active);
  assert.ok(
    ended && back.at - ended.at >= 1400,
    `back ${back.at - (ended?.at ?? 0)} ms after the motion ended`,
  );
  assert.ok(back.at - stopped < 8000);
});

test('a moving camera that goes offline ends its motion, so the auto layout lets it go', async () => {
  cameras[1].startMoving();
  await waitFor('drive big again', () => stitcher.tiles[0].camera === 'drive', 3000);
  const before = motion.length;
  await cameras[1].stop();
  await waitFor(
    'motion ended',
    () => motion.slice(before).some((m) => m.camera === 'drive' && !m.active),
    8000,
  );
  await waitFor('hall back in the big tile', () => stitcher.tiles[0].camera === 'hall', 5000);
});
