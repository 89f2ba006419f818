import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createLogger } from '../../../src/core/logger';
import { Stitcher } from '../../../src/core/stitcher/stitcher';
import { waitFor } from '../../helpers/wait';

// Cover crops each camera's frame to its tile's aspect. Formats av_frame_apply_cropping could not
// crop are painted too: RGBA (refused for any left crop off a 32-byte boundary; the demo's
// rgbtestsrc in a tall tile stayed black under a green "live") and monob (its left crop skipped,
// a shifted picture). Neither may leave a problem in stats or a warning in the log.

const warnings: string[] = [];
let stitcher: Stitcher;

before(async () => {
  stitcher = new Stitcher(
    {
      cameras: [
        { name: 'rgba', url: 'demo:rgbtestsrc?size=320x180&rate=10' },
        { name: 'life', url: 'demo:life?size=320x240&rate=10' },
      ],
      output: { width: 640, height: 360, fps: 10, bitrate: 500000, gop: 10 },
      layout: {
        tiles: [
          { camera: 'rgba', x: 0, y: 0, width: 100, height: 360, fit: 'cover' },
          { camera: 'life', x: 120, y: 40, width: 300, height: 100, fit: 'cover' },
        ],
      },
    },
    {
      logger: createLogger('stitcher', (level, _scope, message) => {
        if (level === 'warn') warnings.push(message);
      }),
    },
  );
  await stitcher.start();
});

after(async () => {
  await stitcher?.stop();
});

const tile = (camera: string) => stitcher.stats().tiles.find((t) => t.camera === camera);

for (const camera of ['rgba', 'life']) {
  test(`a ${camera} camera is painted into a cover tile, with no problem`, async () => {
    await waitFor(`${camera} painted`, () => tile(camera)?.content === 'live', 10000);
    assert.equal(tile(camera)?.problem, undefined);
    assert.deepEqual(warnings, []);
  });
}
