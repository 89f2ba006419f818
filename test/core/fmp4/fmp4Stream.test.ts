/**
 * The shared fMP4 stream: an init segment and one fragment per access unit that ffmpeg (a
 * demuxer and decoder nobody here wrote) reads as one fragmented MP4 at the right size and
 * colours, with a decode timeline that has no gap.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import type { Fmp4Fragment } from '../../../src/core/fmp4/fmp4Muxer';
import { Fmp4Muxer } from '../../../src/core/fmp4/fmp4Muxer';
import { ffmpegRgbFrames, runFfmpeg } from '../../fixtures/pixels';
import { quadrantColours } from '../../helpers/colourMosaic';
import { waitFor } from '../../helpers/wait';
import { startFmp4Fixture, type Fmp4Fixture } from './fmp4Fixture';

let fixture: Fmp4Fixture | undefined;

before(async () => {
  fixture = await startFmp4Fixture();
});

after(async () => {
  await fixture?.stop();
});

/** `count` fragments from the next keyframe on. */
async function collect(count: number): Promise<Fmp4Fragment[]> {
  assert.ok(fixture);
  const fragments: Fmp4Fragment[] = [];
  const release = fixture.stream.want('test');
  const unsubscribe = fixture.stream.subscribe((fragment) => {
    if (fragments.length > 0 || fragment.keyframe) fragments.push(fragment);
  });
  try {
    fixture.stream.requestKeyframe();
    await waitFor(`${count} fragments`, () => fragments.length >= count, 15_000);
  } finally {
    unsubscribe();
    release();
  }
  return fragments.slice(0, count);
}

test('ffmpeg decodes init + 50 fragments as 640x360 frames with every colour in its tile', async () => {
  const fragments = await collect(50);
  const init = fragments[0].init;
  assert.match(init.codec, /^avc1\.[0-9a-f]{6}$/);
  assert.equal(init.mimeType, `video/mp4; codecs="${init.codec}"`);
  assert.equal(init.data.subarray(4, 8).toString('latin1'), 'ftyp');
  for (const fragment of fragments) {
    assert.equal(fragment.data.subarray(4, 8).toString('latin1'), 'moof', 'one moof + mdat per access unit');
  }
  const file = Buffer.concat([init.data, ...fragments.map((f) => f.data)]);
  // What ffprobe (and players' info panels) show as the stream's encoder.
  const probe = spawnSync(
    'ffprobe',
    ['-v', 'error', '-show_entries', 'stream_tags=encoder', '-of', 'csv=p=0', '-f', 'mp4', 'pipe:0'],
    { input: file, encoding: 'utf8', timeout: 10_000 },
  );
  assert.equal(probe.stdout.trim(), 'camera-mosaic', probe.stderr);
  const frames = await ffmpegRgbFrames(['-f', 'mp4', '-i', 'pipe:0'], { input: file });
  assert.equal(frames.length, 50, 'every access unit a picture');
  for (const frame of [frames[0], frames[25], frames[49]]) {
    assert.equal(`${frame.width}x${frame.height}`, '640x360');
    assert.deepEqual(quadrantColours(frame), ['red', 'lime', 'blue', 'yellow']);
  }
  const timestamps = (
    await runFfmpeg(['-f', 'mp4', '-i', 'pipe:0', '-map', '0:v', '-c', 'copy', '-f', 'framecrc', 'pipe:1'], {
      input: file,
    })
  )
    .toString()
    .split('\n')
    .filter((line) => /^0,/.test(line))
    .map((line) => Number(line.split(',')[1]));
  const steps = new Set(timestamps.slice(1).map((t, i) => t - timestamps[i]));
  assert.equal(timestamps.length, 50);
  assert.equal(steps.size, 1, `one step between frames: ${[...steps].join(', ')}`);
});

test('the decode timeline has no gap where the encoder rested, and a new SPS makes a new init segment', async () => {
  // Re-mux recorded access units through a muxer of our own: a pts jump of 60 s (a rest).
  const muxer = new Fmp4Muxer({ width: 640, height: 360, fps: 25 });
  const keyframe = await recordKeyframe();
  const first = muxer.push({ data: keyframe, pts: 1000, keyframe: true });
  const second = muxer.push({ data: keyframe, pts: 1000 + 60 * 90_000, keyframe: true });
  assert.ok(first && second);
  assert.equal(second.decodeTime - first.decodeTime, 3600, 'one frame later, not 60 s');
  assert.equal(second.init, first.init, 'the same SPS: the same init segment');
  const changed = Buffer.from(keyframe);
  const spsAt = changed.indexOf(Buffer.from([0, 0, 1, 0x67])) + 3;
  changed[spsAt + 3] ^= 1; // another level_idc
  const third = muxer.push({ data: changed, pts: 1000 + 60 * 90_000 + 3600, keyframe: true });
  assert.ok(third);
  assert.equal(third.init.id, first.init.id + 1);
  assert.notEqual(third.init.codec, first.init.codec);
});

async function recordKeyframe(): Promise<Buffer> {
  assert.ok(fixture);
  let found: Buffer | undefined;
  const onUnit = (unit: { data: Buffer; keyframe: boolean }) => {
    if (unit.keyframe) found ??= unit.data;
  };
  const release = fixture.stitcher.want('test');
  fixture.stitcher.on('accessunit', onUnit);
  try {
    fixture.stitcher.requestKeyframe();
    return await waitFor('a keyframe', () => found, 10_000);
  } finally {
    fixture.stitcher.off('accessunit', onUnit);
    release();
  }
}
