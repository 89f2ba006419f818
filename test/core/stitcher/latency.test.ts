import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Stitcher } from '../../../src/core/stitcher/stitcher';
import { waitFor } from '../../helpers/wait';

// Latency runs from a camera frame's arrival to the access unit carrying it. The arrival rides
// through the decoder with the frame's pts on every FFmpeg version (5.1 to the newest): when it
// is lost, no sample is taken and the figures stay 0.
test('latency is measured from each camera frame to the encoder, and is short', async () => {
  const stitcher = new Stitcher({
    cameras: [{ name: 'a', url: 'demo:testsrc2?size=320x180&rate=25' }],
    output: { width: 320, height: 180, fps: 25, bitrate: 500000, gop: 25 },
  });
  try {
    await stitcher.start();
    await waitFor('50 output frames', () => stitcher.stats().output.frames >= 50, 10000, 20);
    const { p50, p99 } = stitcher.stats().output.latencyUs;
    assert.ok(p50 > 0, `no latency measured (p50 ${p50} µs)`);
    // A frame waits at most one 40 ms tick for the clock, then is composed and encoded.
    assert.ok(p99 < 500000, `p99 latency ${p99} µs`);
  } finally {
    await stitcher.stop();
  }
});
