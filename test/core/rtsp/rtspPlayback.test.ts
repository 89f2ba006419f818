import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ffmpegRgbFrames } from '../../fixtures/pixels';
import { colours, quadrantColours } from '../../helpers/colourMosaic';
import { gstPull } from './gstClient';
import { startRtspFixture, streamName, type RtspFixture } from './rtspFixture';

let fixture: RtspFixture | undefined;

before(async () => {
  fixture = await startRtspFixture();
});

after(async () => {
  await fixture?.stop();
});

function decodeWithFfmpeg(transport: 'tcp' | 'udp', frames: number) {
  const url = `${fixture?.base}${streamName}`;
  return ffmpegRgbFrames(['-rtsp_transport', transport, '-i', url, '-frames:v', String(frames)], {
    timeoutMs: 20_000,
  });
}

for (const transport of ['tcp', 'udp'] as const) {
  test(`ffmpeg over ${transport} decodes 640x360 frames with every colour in its tile`, async () => {
    const frames = await decodeWithFfmpeg(transport, 10);
    assert.equal(frames.length, 10);
    for (const frame of frames) {
      assert.equal(`${frame.width}x${frame.height}`, '640x360');
      assert.deepEqual(quadrantColours(frame), ['red', 'lime', 'blue', 'yellow']);
    }
    const stats = fixture?.server.stats();
    assert.ok((stats?.streams[streamName].bytesSent ?? 0) > 0, 'bytes counted');
  });
}

for (const protocol of ['tcp', 'udp'] as const) {
  test(`GStreamer's rtspsrc over ${protocol} decodes 640x360 frames with every colour in its tile`, async () => {
    const frames = await gstPull(`${fixture?.base}${streamName}`, { protocol, frames: 10 });
    assert.equal(frames.length, 10);
    const expected = [colours.red, colours.lime, colours.blue, colours.yellow];
    for (const frame of frames) {
      assert.equal(`${frame.width}x${frame.height}`, '640x360');
      frame.quadrants.forEach((rgb, i) => {
        const distance = Math.max(...rgb.map((c, channel) => Math.abs(c - expected[i][channel])));
        assert.ok(distance <= 60, `quadrant ${i}: ${rgb.join(',')} is not ${expected[i].join(',')}`);
      });
    }
  });
}
