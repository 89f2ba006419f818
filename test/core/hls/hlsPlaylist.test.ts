/**
 * The segmenter and the playlist text on made-up fragments: cuts at keyframes no sooner than
 * minSegmentMs, a bounded window, and where the init segment changes (a new SPS) a new
 * EXT-X-MAP after an EXT-X-DISCONTINUITY, counted in EXT-X-DISCONTINUITY-SEQUENCE once it
 * slides out (RFC 8216 §4.3.2.5, §4.3.3.3).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Fmp4Fragment, Fmp4Init } from '../../../src/core/fmp4/fmp4Muxer';
import {
  mediaPlaylist,
  multivariantPlaylist,
  segmentBitRates,
  withQuery,
} from '../../../src/core/hls/hlsPlaylist';
import { HlsSegmenter, type HlsSegmenterOptions } from '../../../src/core/hls/hlsSegmenter';

/** 2026-12-03 12:00:00 UTC: the wall clock when decode time 0 was encoded. */
const t0 = Date.UTC(2026, 11, 3, 12);

/**
 * A segmenter whose wall clock follows the fragments fed to it, as a live encoder's does
 * (`pauseMs` more after a pause), and a `push` that keeps it so.
 */
function liveSegmenter(options: HlsSegmenterOptions) {
  let clock = t0;
  let pauseMs = 0;
  const segmenter = new HlsSegmenter({ ...options, now: () => clock });
  return {
    segmenter,
    push(fragment: Fmp4Fragment) {
      clock = t0 + pauseMs + fragment.decodeTime / 90;
      return segmenter.push(fragment);
    },
    pause(ms: number) {
      pauseMs += ms;
    },
  };
}

const init = (id: number): Fmp4Init => ({
  id,
  data: Buffer.from(`init ${id}`),
  codec: 'avc1.42c01f',
  mimeType: 'video/mp4; codecs="avc1.42c01f"',
  width: 640,
  height: 360,
});

/** Fragments of 40 ms (3600 ticks) from `from` on; a keyframe every `gop`. */
function* fragments(count: number, gop: number, initOf: (i: number) => Fmp4Init): Generator<Fmp4Fragment> {
  for (let i = 0; i < count; i++) {
    yield {
      data: Buffer.alloc(10, i),
      keyframe: i % gop === 0,
      decodeTime: i * 3600,
      duration: 3600,
      init: initOf(i),
    };
  }
}

test('segments are cut at keyframes, one GOP each, and the window keeps the newest', () => {
  const { segmenter, push } = liveSegmenter({ minSegmentMs: 1000, keptSegments: 3, maxSegmentBytes: 1e6 });
  const first = init(1);
  for (const fragment of fragments(50 * 6 + 1, 50, () => first)) push(fragment);
  assert.deepEqual(
    segmenter.segments.map((s) => [s.sequence, s.durationS, s.data.length]),
    [
      [3, 2, 500],
      [4, 2, 500],
      [5, 2, 500],
    ],
  );
  const playlist = mediaPlaylist(segmenter.segments, 3);
  assert.equal(
    playlist,
    [
      '#EXTM3U',
      '#EXT-X-VERSION:7',
      '#EXT-X-TARGETDURATION:3',
      '#EXT-X-MEDIA-SEQUENCE:3',
      '#EXT-X-DISCONTINUITY-SEQUENCE:0',
      '#EXT-X-INDEPENDENT-SEGMENTS',
      '#EXT-X-MAP:URI="init.mp4"',
      '#EXT-X-PROGRAM-DATE-TIME:2026-12-03T12:00:06.000Z',
      '#EXTINF:2.000,',
      '3.m4s',
      '#EXT-X-PROGRAM-DATE-TIME:2026-12-03T12:00:08.000Z',
      '#EXTINF:2.000,',
      '4.m4s',
      '#EXT-X-PROGRAM-DATE-TIME:2026-12-03T12:00:10.000Z',
      '#EXTINF:2.000,',
      '5.m4s',
      '',
    ].join('\n'),
  );
});

test('keyframes closer than minSegmentMs stay in one segment', () => {
  const segmenter = new HlsSegmenter({ minSegmentMs: 1000, keptSegments: 10, maxSegmentBytes: 1e6 });
  const only = init(1);
  // A keyframe every 10 frames (400 ms): segments of 3 GOPs, 1.2 s.
  for (const fragment of fragments(101, 10, () => only)) segmenter.push(fragment);
  assert.deepEqual(
    segmenter.segments.map((s) => s.durationS),
    [1.2, 1.2, 1.2],
  );
});

test('a new init segment: EXT-X-DISCONTINUITY and its own EXT-X-MAP; the count goes on once it slides out', () => {
  const { segmenter, push } = liveSegmenter({ minSegmentMs: 1000, keptSegments: 3, maxSegmentBytes: 1e6 });
  const old = init(1);
  const changed = init(2);
  // Two GOPs with the old SPS, then the new one.
  const all = [...fragments(50 * 6 + 1, 50, (i) => (i < 100 ? old : changed))];
  for (const fragment of all.slice(0, 50 * 3 + 1)) push(fragment);
  assert.equal(
    mediaPlaylist(segmenter.segments, 3)
      .split('\n')
      .slice(4)
      .filter((line) => !line.startsWith('#EXT-X-PROGRAM-DATE-TIME'))
      .join('\n'),
    [
      '#EXT-X-DISCONTINUITY-SEQUENCE:0',
      '#EXT-X-INDEPENDENT-SEGMENTS',
      '#EXT-X-MAP:URI="init-1.mp4"',
      '#EXTINF:2.000,',
      '0.m4s',
      '#EXTINF:2.000,',
      '1.m4s',
      '#EXT-X-DISCONTINUITY',
      '#EXT-X-MAP:URI="init.mp4"',
      '#EXTINF:2.000,',
      '2.m4s',
      '',
    ].join('\n'),
  );
  for (const fragment of all.slice(50 * 3 + 1)) push(fragment);
  const later = mediaPlaylist(segmenter.segments, 3);
  assert.match(later, /#EXT-X-MEDIA-SEQUENCE:3\n#EXT-X-DISCONTINUITY-SEQUENCE:1\n/);
  assert.doesNotMatch(later, /#EXT-X-DISCONTINUITY\n/);
});

test('a segment growing past maxSegmentBytes is dropped, and the next starts at a keyframe', () => {
  const segmenter = new HlsSegmenter({ minSegmentMs: 1000, keptSegments: 10, maxSegmentBytes: 300 });
  const only = init(1);
  for (const fragment of fragments(50 * 3 + 1, 50, () => only)) segmenter.push(fragment);
  assert.deepEqual(segmenter.segments, [], 'every GOP is 500 bytes: none kept');
  assert.ok(segmenter.bytes <= 300);
});

test('EXT-X-PROGRAM-DATE-TIME follows the decode clock, and the wall clock again after the encoder paused', () => {
  const { segmenter, push, pause } = liveSegmenter({
    minSegmentMs: 1000,
    keptSegments: 10,
    maxSegmentBytes: 1e6,
  });
  const only = init(1);
  const all = [...fragments(50 * 4 + 1, 50, () => only)];
  for (const fragment of all.slice(0, 100)) push(fragment);
  // The encoder rests 10 s; the muxer's timeline goes on without the gap, the wall clock not.
  pause(10_000);
  for (const fragment of all.slice(100)) push(fragment);
  assert.deepEqual(
    segmenter.segments.map((s) => new Date(s.startedAtMs).toISOString()),
    [
      '2026-12-03T12:00:00.000Z',
      '2026-12-03T12:00:02.000Z',
      '2026-12-03T12:00:14.000Z',
      '2026-12-03T12:00:16.000Z',
    ],
  );
});

test('the multivariant playlist names the codec, size, frame rate and peak bit rate; a query reaches the media playlist', () => {
  const { segmenter, push } = liveSegmenter({ minSegmentMs: 1000, keptSegments: 10, maxSegmentBytes: 1e6 });
  const only = init(1);
  // 500 bytes a 2 s segment (2000 bits/s), and one of 1000 bytes.
  for (const fragment of fragments(50 * 2, 50, () => only)) push(fragment);
  push({ ...[...fragments(101, 50, () => only)][100], data: Buffer.alloc(510) });
  for (const fragment of [...fragments(50 * 3 + 1, 50, () => only)].slice(101)) push(fragment);
  const rates = segmentBitRates(segmenter.segments);
  assert.deepEqual(rates, { peak: 4000, average: (8 * (500 + 500 + 1000)) / 6 });
  const playlist = multivariantPlaylist({
    uri: 'media.m3u8',
    bandwidth: rates.peak,
    averageBandwidth: rates.average,
    codec: only.codec,
    width: 640,
    height: 360,
    fps: 25,
  });
  assert.equal(
    withQuery(playlist, 'token=x'),
    [
      '#EXTM3U',
      '#EXT-X-VERSION:7',
      '#EXT-X-INDEPENDENT-SEGMENTS',
      '#EXT-X-STREAM-INF:BANDWIDTH=4000,AVERAGE-BANDWIDTH=2667,CODECS="avc1.42c01f",RESOLUTION=640x360,' +
        'FRAME-RATE=25.000,CLOSED-CAPTIONS=NONE',
      'media.m3u8?token=x',
      '',
    ].join('\n'),
  );
});
