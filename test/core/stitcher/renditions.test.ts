import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ConfigError } from '../../../src/core/errors';
import type { AccessUnit } from '../../../src/core/stitcher/stitcher';
import { Stitcher } from '../../../src/core/stitcher/stitcher';
import { assertTileColour, decodeH264 } from '../../fixtures/pixels';
import { AccessUnitRecorder } from '../../helpers/recorder';
import { sleep } from '../../helpers/wait';

// Renditions: the same mosaic at another size, rate and bitrate (what HomeKit asks for), encoded
// once per distinct setting and freed when the last user closes it.
let stitcher: Stitcher;

before(async () => {
  stitcher = new Stitcher({
    cameras: [
      { name: 'red', url: 'demo:color?c=red&size=320x180&rate=25' },
      { name: 'blue', url: 'demo:color?c=blue&size=320x180&rate=25' },
    ],
    output: { width: 1280, height: 720, fps: 25, bitrate: 2000000, gop: 50 },
    layout: { preset: 'grid', cameras: ['red', 'blue'] },
  });
  await stitcher.start();
});

after(async () => {
  await stitcher?.stop();
});

test('a rendition is the mosaic at the requested size and rate', async () => {
  const rendition = stitcher.openRendition({ width: 640, height: 360, fps: 15, bitrate: 300000 });
  const units: AccessUnit[] = [];
  rendition.on('accessunit', (unit) => units.push(unit));
  await sleep(2000);
  rendition.close();
  assert.ok(units[0]?.keyframe, 'starts on a keyframe');
  // 15 fps over 2 s, give or take the tick the rendition joined on.
  assert.ok(units.length >= 27 && units.length <= 32, `${units.length} access units in 2 s`);
  const deltas = new Set(units.slice(1).map((u, i) => u.pts - units[i].pts));
  assert.deepEqual([...deltas], [6000], 'pts advance by one 15 fps frame (6000 ticks)');
  const frames = await decodeH264(Buffer.concat(units.map((u) => u.data)));
  const last = frames[frames.length - 1];
  assert.equal(`${last.width}x${last.height}`, '640x360');
  assertTileColour(last, { x: 0, y: 90, width: 320, height: 180 }, 'ff0000', 40, 'red cell');
  assertTileColour(last, { x: 320, y: 90, width: 320, height: 180 }, '0000ff', 40, 'blue cell');
  const bits = units.reduce((sum, u) => sum + u.data.length * 8, 0) / 2;
  assert.ok(bits < 300000 * 1.5, `about the requested bitrate: ${Math.round(bits)} bit/s`);
});

test('users with the same settings share one encoder, freed when the last closes', async () => {
  const main = new AccessUnitRecorder(stitcher);
  const a = stitcher.openRendition({ width: 320, height: 180, fps: 10, bitrate: 100000 });
  const b = stitcher.openRendition({ width: 320, height: 180, fps: 10, bitrate: 100000 });
  const c = stitcher.openRendition({ width: 480, height: 270, fps: 10, bitrate: 100000 });
  assert.equal(stitcher.stats().output.renditions, 2);
  let bUnits = 0;
  b.on('accessunit', () => bUnits++);
  a.close();
  await sleep(500);
  assert.ok(bUnits >= 3, 'the other user still receives');
  b.close();
  c.close();
  c.close();
  assert.equal(stitcher.stats().output.renditions, 0);
  await sleep(300);
  main.stop();
  assert.deepEqual(main.ptsGaps(3600), [], 'the main stream never stuttered');
});

test('bad rendition settings are refused with the field named', () => {
  assert.throws(
    () => stitcher.openRendition({ width: 641, height: 360, fps: 15, bitrate: 300000 }),
    (error: unknown) =>
      error instanceof ConfigError && /rendition\.width: must be an even number/.test(error.message),
  );
  assert.throws(
    () => stitcher.openRendition({ width: 640, height: 360, fps: 15 }),
    /rendition\.bitrate: is required/,
  );
});
