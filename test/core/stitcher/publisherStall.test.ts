import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RtpPacket } from 'werift';
import { Stitcher } from '../../../src/core/stitcher/stitcher';
import { decodeH264 } from '../../fixtures/pixels';
import { StallingRtspRecorder } from '../../fixtures/stallingRtspRecorder';
import { annexBFromRtp } from '../../helpers/rtpH264';
import { sleep, waitFor } from '../../helpers/wait';

// A media server slower than the stream (a thin uplink): once the socket is full, the
// publisher's queue (50 access units, 2 s at 25 fps) overflows and is dropped. What the server
// gets next must start on a keyframe. Before the fix it got the next delta frame, whose
// references it never received, and showed a smeared picture until the next GOP (10 s here).
let recorder: StallingRtspRecorder;
let stitcher: Stitcher;

before(async () => {
  recorder = new StallingRtspRecorder(0, 30_000);
  await recorder.start();
  stitcher = new Stitcher({
    // Conway's life from a random start at 8 Mbit/s: the kernel's buffers fill within seconds.
    cameras: [{ name: 'busy', url: 'demo:life?size=640x360&rate=25' }],
    output: { width: 640, height: 360, fps: 25, bitrate: 8_000_000, gop: 250 },
    outputs: [{ name: 'server', type: 'rtsp', url: recorder.url }],
  });
  await stitcher.start();
});

after(async () => {
  await stitcher?.stop();
  await recorder?.stop();
});

const output = () => stitcher.stats().outputs.find((o) => o.name === 'server')!;

/** The H.264 NAL unit type a packet starts (inside STAP-A and FU-A too). */
function firstNalType(packet: RtpPacket): number {
  const type = packet.payload[0] & 0x1f;
  if (type === 24) return packet.payload[3] & 0x1f; // STAP-A: 2-byte size, then the NAL header
  if (type === 28) return packet.payload[1] & 0x1f; // FU-A: the FU header holds the type
  return type;
}

/** Indexes of the packets after a jump of the RTP clock (90 kHz) of over half a second. */
function gaps(packets: readonly RtpPacket[]): number[] {
  return packets.flatMap((p, i) =>
    i > 0 && (p.header.timestamp - packets[i - 1].header.timestamp) >>> 0 > 45000 ? [i] : [],
  );
}

test('after its queue overflowed, the publisher resumes on a keyframe that decodes', async () => {
  await waitFor('the queue to overflow', () => output().dropped > 0, 20000, 100);
  recorder.catchUp();
  await waitFor('the server to receive past the drop', () => gaps(recorder.packets()).length > 0, 20000, 250);
  await sleep(1500);

  assert.equal(output().reconnects, 0, 'the backlog stayed within the I/O timeout');
  const packets = recorder.packets();
  for (const at of gaps(packets)) {
    const type = firstNalType(packets[at]);
    assert.ok([5, 7, 8].includes(type), `after the gap at packet ${at}: NAL type ${type}, not a keyframe`);
  }
  const resumedAt = gaps(packets)[0];
  const frames = await decodeH264(annexBFromRtp(packets.slice(resumedAt)));
  assert.ok(frames.length >= 20, `${frames.length} frames decoded after the drop`);
});
