import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Stitcher } from '../../../src/core/stitcher/stitcher';
import { AccessUnitRecorder } from '../../helpers/recorder';
import { sleep } from '../../helpers/wait';

// What viewers rely on: every IDR carries SPS and PPS (so any keyframe is a starting point), a
// burst of keyframe requests makes one IDR, and the GOP is kept otherwise.
let stitcher: Stitcher;

before(async () => {
  stitcher = new Stitcher({
    cameras: [{ name: 'a', url: 'demo:testsrc2?size=320x180&rate=25' }],
    output: { width: 640, height: 360, fps: 25, bitrate: 1000000, gop: 25 },
  });
  await stitcher.start();
});

after(async () => {
  await stitcher?.stop();
});

/** H.264 NAL unit types in an Annex-B access unit (ITU-T H.264 §7.4.1: 5 IDR, 7 SPS, 8 PPS). */
function nalTypes(annexB: Buffer): number[] {
  const types: number[] = [];
  for (let i = 0; i + 3 < annexB.length; i++) {
    if (annexB[i] === 0 && annexB[i + 1] === 0 && annexB[i + 2] === 1) types.push(annexB[i + 3] & 0x1f);
  }
  return types;
}

test('every keyframe is an IDR with SPS and PPS before it; the GOP is 25 frames', async () => {
  const recorder = new AccessUnitRecorder(stitcher);
  await sleep(2300);
  const units = recorder.stop();
  const keyframes = units.filter((u) => u.keyframe);
  assert.ok(keyframes.length >= 2, `${keyframes.length} keyframes in 2.3 s`);
  for (const unit of keyframes) {
    const types = nalTypes(unit.data);
    assert.ok(types.includes(7) && types.includes(8) && types.includes(5), `NAL types ${types}`);
    assert.ok(types.indexOf(7) < types.indexOf(5) && types.indexOf(8) < types.indexOf(5), 'SPS/PPS first');
  }
  for (const unit of units.filter((u) => !u.keyframe)) assert.ok(!nalTypes(unit.data).includes(5));
  const gaps = keyframes.slice(1).map((k, i) => (k.pts - keyframes[i].pts) / 3600);
  assert.ok(
    gaps.every((g) => g === 25),
    `frames between keyframes: ${gaps}`,
  );
});

test('a burst of keyframe requests makes one IDR, right away', async () => {
  await sleep(200); // away from a periodic keyframe
  const recorder = new AccessUnitRecorder(stitcher);
  for (let i = 0; i < 20; i++) stitcher.requestKeyframe();
  await sleep(400);
  const units = recorder.stop();
  const keyframes = units.filter((u) => u.keyframe);
  assert.equal(keyframes.length, 1, `${keyframes.length} keyframes for 20 requests`);
  assert.ok(units.indexOf(keyframes[0]) <= 2, 'the IDR comes within two frames of the request');
});
