/**
 * HLS with fMP4 segments: ffmpeg (whose HLS demuxer nobody here wrote) plays the playlist and
 * decodes several seconds at the right size and colours; the playlist is a live RFC 8216 one;
 * with no request for idleStopMs HLS stops, frees its segments and releases its lease, and the
 * encoder rests.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ffmpegRgbFrames } from '../../fixtures/pixels';
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
  const frames = await ffmpegRgbFrames(['-i', `${fixture.base}/hls/index.m3u8`, '-t', '4', '-vf', 'fps=5'], {
    timeoutMs: 40_000,
  });
  assert.ok(frames.length >= 15, `${frames.length} frames at 5 fps`);
  for (const frame of frames) {
    assert.equal(`${frame.width}x${frame.height}`, '640x360');
    assert.deepEqual(quadrantColours(frame), ['red', 'lime', 'blue', 'yellow']);
  }
  assert.equal(fixture.hls.stats().active, true);
  assert.deepEqual(fixture.stitcher.stats().output.wanted, { hls: 1 });
});

test('index.m3u8 is a multivariant playlist naming the codec of the init segment, the size, rate and bit rate', async () => {
  assert.ok(fixture);
  const response = await fetch(`${fixture.base}/hls/index.m3u8`);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-type'), 'application/vnd.apple.mpegurl');
  const playlist = await response.text();
  const variant =
    /^#EXT-X-STREAM-INF:BANDWIDTH=(\d+),AVERAGE-BANDWIDTH=(\d+),CODECS="([^"]+)",RESOLUTION=640x360,FRAME-RATE=25\.000,CLOSED-CAPTIONS=NONE\nmedia\.m3u8\n$/m.exec(
      playlist,
    );
  assert.ok(variant, playlist);
  assert.equal(variant[3], fixture.stream.init?.codec);
  assert.match(variant[3], /^avc1\.[0-9a-f]{6}$/);
  // Solid colours: far under the encoder's 1 Mbit/s target, but never nothing.
  const [peak, average] = [Number(variant[1]), Number(variant[2])];
  assert.ok(peak >= average && average > 1000 && peak < 2_000_000, `peak ${peak}, average ${average}`);
});

test('the media playlist is live HLS version 7 with an init segment, keyframe-cut segments of about a GOP and their wall-clock times', async () => {
  assert.ok(fixture);
  await waitFor('three segments', () => (fixture?.hls.stats().segments ?? 0) >= 3, 15_000);
  const response = await fetch(`${fixture.base}/hls/media.m3u8`);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-type'), 'application/vnd.apple.mpegurl');
  const playlist = await response.text();
  assert.match(playlist, /^#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:3\n/);
  assert.match(playlist, /\n#EXT-X-MEDIA-SEQUENCE:\d+\n/);
  assert.match(playlist, /#EXT-X-MAP:URI="init.mp4"/);
  assert.doesNotMatch(playlist, /ENDLIST/);
  const durations = [...playlist.matchAll(/#EXTINF:([\d.]+),\n(\d+)\.m4s/g)].map((m) => Number(m[1]));
  assert.ok(durations.length >= 3 && durations.length <= 4, playlist);
  // The demo's GOP: 50 frames at 25 fps; a keyframe asked for by a client may cut one shorter.
  for (const d of durations.slice(1)) assert.ok(d >= 1 && d <= 2.04, `a segment of ${d} s`);
  const times = [
    ...playlist.matchAll(/#EXT-X-PROGRAM-DATE-TIME:(\S+)\n(?:#EXT-X-PART:.*\n)*#EXTINF:([\d.]+),/g),
  ];
  assert.equal(times.length, durations.length, 'every segment has its time');
  for (let i = 1; i < times.length; i++) {
    const gapMs = Date.parse(times[i][1]) - Date.parse(times[i - 1][1]);
    assert.ok(Math.abs(gapMs - Number(times[i - 1][2]) * 1000) <= 1, `${gapMs} ms between segment starts`);
  }
  const newestAgeMs = Date.now() - Date.parse(times.at(-1)![1]);
  assert.ok(newestAgeMs >= 0 && newestAgeMs < 5000, `the newest segment began ${newestAgeMs} ms ago`);
  const last = [...playlist.matchAll(/^(\d+)\.m4s$/gm)].at(-1)?.[1];
  const segment = Buffer.from(await (await fetch(`${fixture.base}/hls/${last}.m4s`)).arrayBuffer());
  assert.equal(segment.subarray(4, 8).toString('latin1'), 'moof');
  const init = Buffer.from(await (await fetch(`${fixture.base}/hls/init.mp4`)).arrayBuffer());
  assert.equal(init.subarray(4, 8).toString('latin1'), 'ftyp');
  assert.equal((await fetch(`${fixture.base}/hls/999999.m4s`)).status, 404);
  assert.equal((await fetch(`${fixture.base}/hls/media.m3u8`, { method: 'POST' })).status, 405);
});

test('LL-HLS: parts of at most the part target, a blocking reload that waits for the next part, a preload hint answered once the part exists', async () => {
  assert.ok(fixture);
  const playlist = await (await fetch(`${fixture.base}/hls/media.m3u8`)).text();
  assert.match(playlist, /#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=0.600\n/);
  assert.match(playlist, /#EXT-X-PART-INF:PART-TARGET=0.200\n/);
  const parts = [
    ...playlist.matchAll(/#EXT-X-PART:DURATION=([\d.]+),URI="(\d+)\.(\d+)\.m4s"(,INDEPENDENT=YES)?/g),
  ];
  assert.ok(parts.length >= 10, `${parts.length} parts listed`);
  for (const [, duration] of parts) assert.ok(Number(duration) <= 0.2, `a part of ${duration} s`);
  const independent = parts.filter((p) => p[4]).map((p) => p[3]);
  assert.ok(
    independent.length >= 1 && independent.every((i) => i === '0'),
    "a segment's first part starts on a keyframe",
  );
  const hint = /#EXT-X-PRELOAD-HINT:TYPE=PART,URI="(\d+)\.(\d+)\.m4s"\n$/.exec(playlist);
  assert.ok(hint, playlist.slice(-300));
  const [msn, part] = [Number(hint[1]), Number(hint[2])];

  // The hinted part does not exist yet: both requests wait for it (a part is 200 ms).
  const askedAt = Date.now();
  const [reload, hinted] = await Promise.all([
    fetch(`${fixture.base}/hls/media.m3u8?_HLS_msn=${msn}&_HLS_part=${part}`),
    fetch(`${fixture.base}/hls/${msn}.${part}.m4s`),
  ]);
  const waitedMs = Date.now() - askedAt;
  assert.equal(reload.status, 200);
  assert.equal(hinted.status, 200);
  assert.ok(waitedMs < 1500, `answered ${waitedMs} ms later`);
  const reloaded = await reload.text();
  assert.ok(
    reloaded.includes(`URI="${msn}.${part}.m4s"`) || new RegExp(`\n${msn}\\.m4s\n`).test(reloaded),
    'the reload lists the part it waited for',
  );
  const data = Buffer.from(await hinted.arrayBuffer());
  assert.equal(data.subarray(4, 8).toString('latin1'), 'moof');
  assert.equal((await fetch(`${fixture.base}/hls/media.m3u8?_HLS_msn=${msn + 10}`)).status, 400);
  assert.equal((await fetch(`${fixture.base}/hls/media.m3u8?_HLS_part=1`)).status, 400);
});

test('a query on the playlists (a token) goes on to every URI in them', async () => {
  assert.ok(fixture);
  const multivariant = await (await fetch(`${fixture.base}/hls/index.m3u8?token=s%20cret`)).text();
  assert.match(multivariant, /\nmedia\.m3u8\?token=s\+cret\n$/);
  const playlist = await (await fetch(`${fixture.base}/hls/media.m3u8?token=s%20cret&_HLS_msn=0`)).text();
  const uris = [
    ...[...playlist.matchAll(/URI="([^"]+)"/g)].map((m) => m[1]),
    ...playlist.split('\n').filter((line) => /^\d/.test(line)),
  ];
  assert.ok(uris.length > 10, playlist);
  for (const uri of uris) assert.match(uri, /^[\w.-]+\?token=s\+cret$/, uri);
  assert.equal((await fetch(`${fixture.base}/hls/${uris.at(-1)}`)).status, 200);
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
  // Its first segment was cut by a keyframe asked for at minSegmentMs (1 s), not the encoder's
  // own a GOP (2 s) in: the first playlist, and the first picture, come that much sooner.
  const playlist = await (await fetch(`${fixture.base}/hls/media.m3u8`)).text();
  const first = Number(/#EXTINF:([\d.]+),/.exec(playlist)?.[1]);
  assert.ok(first >= 1 && first < 1.5, `a first segment of ${first} s:\n${playlist}`);
});
