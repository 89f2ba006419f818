/**
 * HLS with fMP4 segments: ffmpeg (whose HLS demuxer nobody here wrote) plays the playlist and
 * decodes several seconds at the right size and colours; the playlist is a live RFC 8216 one;
 * with no request for idleStopMs HLS stops, frees its segments and releases its lease, and the
 * encoder rests.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { parsePpmStream, runFfmpeg } from '../../fixtures/pixels';
import { quadrantColours } from '../../helpers/colourMosaic';
import { waitFor } from '../../helpers/wait';
import { startFmp4Fixture, type Fmp4Fixture } from '../fmp4/fmp4Fixture';

const idleStopMs = 3000;
const idleAfterMs = 1000;
let fixture: Fmp4Fixture | undefined;

before(async () => {
  fixture = await startFmp4Fixture({ idleAfterMs, hls: { idleStopMs } });
});

after(async () => {
  await fixture?.stop();
});

test('ffmpeg reads the playlist and decodes 4 s of 640x360 frames with every colour in its tile', async () => {
  assert.ok(fixture);
  const ppm = await runFfmpeg(
    [
      '-i',
      `${fixture.base}/hls/index.m3u8`,
      '-t',
      '4',
      '-vf',
      'fps=5',
      '-f',
      'image2pipe',
      '-c:v',
      'ppm',
      '-pix_fmt',
      'rgb24',
      'pipe:1',
    ],
    { timeoutMs: 40_000 },
  );
  const frames = parsePpmStream(ppm);
  assert.ok(frames.length >= 15, `${frames.length} frames at 5 fps`);
  for (const frame of frames) {
    assert.equal(`${frame.width}x${frame.height}`, '640x360');
    assert.deepEqual(quadrantColours(frame), ['red', 'lime', 'blue', 'yellow']);
  }
  assert.equal(fixture.hls.stats().active, true);
  assert.deepEqual(fixture.stitcher.stats().output.wanted, { hls: 1 });
});

test('the playlist is live HLS version 7 with an init segment and keyframe-cut segments of about a GOP', async () => {
  assert.ok(fixture);
  await waitFor('three segments', () => (fixture?.hls.stats().segments ?? 0) >= 3, 15_000);
  const response = await fetch(`${fixture.base}/hls/index.m3u8`);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-type'), 'application/vnd.apple.mpegurl');
  const playlist = await response.text();
  assert.match(playlist, /^#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:3\n#EXT-X-MEDIA-SEQUENCE:\d+\n/);
  assert.match(playlist, /#EXT-X-MAP:URI="init.mp4"/);
  assert.doesNotMatch(playlist, /ENDLIST/);
  const durations = [...playlist.matchAll(/#EXTINF:([\d.]+),\n(\d+)\.m4s/g)].map((m) => Number(m[1]));
  assert.ok(durations.length >= 3 && durations.length <= 4, playlist);
  // The demo's GOP: 50 frames at 25 fps; a keyframe asked for by a client may cut one shorter.
  for (const d of durations.slice(1)) assert.ok(d >= 1 && d <= 2.04, `a segment of ${d} s`);
  const last = /(\d+)\.m4s\n$/.exec(playlist)?.[1];
  const segment = Buffer.from(await (await fetch(`${fixture.base}/hls/${last}.m4s`)).arrayBuffer());
  assert.equal(segment.subarray(4, 8).toString('latin1'), 'moof');
  const init = Buffer.from(await (await fetch(`${fixture.base}/hls/init.mp4`)).arrayBuffer());
  assert.equal(init.subarray(4, 8).toString('latin1'), 'ftyp');
  assert.equal((await fetch(`${fixture.base}/hls/999999.m4s`)).status, 404);
  assert.equal((await fetch(`${fixture.base}/hls/index.m3u8`, { method: 'POST' })).status, 405);
});

test('with no request for idleStopMs HLS stops, frees its segments and releases its lease; the encoder rests', async () => {
  assert.ok(fixture);
  await waitFor('HLS stopped', () => fixture?.hls.stats().active === false, idleStopMs + 5000);
  const stats = fixture.hls.stats();
  assert.equal(stats.segments, 0);
  assert.equal(stats.bytesHeld, 0);
  assert.deepEqual(fixture.stitcher.stats().output.wanted, {});
  await waitFor(
    'the encoder resting',
    () => fixture?.stitcher.stats().output.idle === true,
    idleAfterMs + 5000,
  );
  assert.equal(fixture.stream.size, 0, 'nobody listens to the stitcher for fMP4');
  // And a new request starts it again.
  const response = await fetch(`${fixture.base}/hls/index.m3u8`);
  assert.equal(response.status, 200);
  assert.equal(fixture.stitcher.stats().output.idle, false);
});
