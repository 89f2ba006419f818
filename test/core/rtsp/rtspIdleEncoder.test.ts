import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ffmpegRgbFrames } from '../../fixtures/pixels';
import { quadrantColours } from '../../helpers/colourMosaic';
import { waitFor } from '../../helpers/wait';
import { startRtspFixture, streamName, type RtspFixture } from './rtspFixture';

// Nobody watching over RTSP costs nothing: the encoder rests, and the first RTSP client wakes it
// (its `rtsp` lease) and plays at once; after the last leaves, it rests again.

const idleAfterMs = 500;
let fixture: RtspFixture | undefined;

before(async () => {
  fixture = await startRtspFixture({}, undefined, idleAfterMs);
});

after(async () => {
  await fixture?.stop();
});

const resting = () => fixture?.stitcher.stats().output.idle === true;

test('a resting encoder wakes for an RTSP client, which gets the right picture, and rests after it', async () => {
  await waitFor('the unwatched encoder resting', resting, 10_000);
  const startedAt = Date.now();
  const frames = await ffmpegRgbFrames(
    ['-rtsp_transport', 'tcp', '-i', `${fixture?.base}${streamName}`, '-frames:v', '1'],
    { timeoutMs: 15_000 },
  );
  const elapsedMs = Date.now() - startedAt;
  assert.deepEqual(quadrantColours(frames[0]), ['red', 'lime', 'blue', 'yellow']);
  assert.ok(elapsedMs < 5000, `the first picture took ${elapsedMs} ms`);
  await waitFor('the encoder resting again', resting, 10_000);
  assert.equal(fixture?.stitcher.stats().output.wanted['rtsp'] ?? 0, 0, 'no rtsp lease left');
});
