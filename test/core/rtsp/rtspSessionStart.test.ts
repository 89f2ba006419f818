/**
 * A session's start, without sockets: PLAY's answer waits for the keyframe the client starts on,
 * and nothing reaches the client before that answer is written (`release()`).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RtpOutput } from '../../../src/core/rtsp/rtpOutput';
import { RtspSession } from '../../../src/core/rtsp/rtspSession';
import type { RtspStream } from '../../../src/core/rtsp/rtspStream';
import type { PacketizedAccessUnit } from '../../../src/core/webrtc/h264Fanout';

/** A unit of one RTP packet with this sequence number and timestamp. */
function unit(seq: number, timestamp: number, keyframe: boolean): PacketizedAccessUnit {
  const packet = Buffer.alloc(20);
  packet[0] = 0x80;
  packet.writeUInt16BE(seq, 2);
  packet.writeUInt32BE(timestamp, 4);
  return { packets: [packet], keyframe, bytes: packet.length };
}

function session(maxBufferedBytes = 1_000_000): { session: RtspSession; sent: number[] } {
  const sent: number[] = [];
  const output: RtpOutput = {
    bufferedBytes: 0,
    sendUnit: (u) => sent.push(u.packets[0].readUInt16BE(2)),
    sendRtcp: () => undefined,
  };
  const stream = {
    attach: () => undefined,
    detach: () => undefined,
    retire: () => undefined,
  } as unknown as RtspStream;
  const made = new RtspSession({
    id: 's',
    stream,
    output,
    transport: 'tcp',
    remoteAddress: '127.0.0.1',
    trackUrl: 'rtsp://127.0.0.1/x/trackID=0',
    channels: [0, 1],
    maxBufferedBytes,
    stallDropMs: 10_000,
    onStalled: () => undefined,
  });
  return { session: made, sent };
}

test('PLAY resolves with the first keyframe packet, which waits for release() with what follows it', async () => {
  const { session: s, sent } = session();
  const started = s.play(1000);
  s.deliver(unit(7, 100, false));
  s.deliver(unit(8, 200, true));
  s.deliver(unit(9, 300, false));
  assert.deepEqual(await started, { seq: 8, rtptime: 200 });
  assert.deepEqual(sent, [], 'nothing before the answer');
  s.release();
  s.deliver(unit(10, 400, false));
  assert.deepEqual(sent, [8, 9, 10]);
  s.close();
});

test('no keyframe in time: PLAY resolves undefined and the client still starts on the next keyframe', async () => {
  const { session: s, sent } = session();
  const started = s.play(50);
  s.deliver(unit(1, 100, false));
  assert.equal(await started, undefined);
  s.release();
  s.deliver(unit(2, 200, true));
  assert.deepEqual(sent, [2]);
  s.close();
});

test('a held answer that is never released holds one keyframe and a bounded tail, then waits for the next keyframe', async () => {
  const { session: s, sent } = session(50);
  const started = s.play(1000);
  s.deliver(unit(1, 100, true));
  assert.deepEqual(await started, { seq: 1, rtptime: 100 });
  for (let seq = 2; seq < 10; seq++) s.deliver(unit(seq, seq * 100, false));
  s.release();
  assert.deepEqual(sent, [], 'the held units past the bound were dropped');
  s.deliver(unit(10, 1000, false));
  s.deliver(unit(11, 1100, true));
  assert.deepEqual(sent, [11]);
  s.close();
});

test('closing while PLAY waits resolves it undefined', async () => {
  const { session: s } = session();
  const started = s.play(10_000);
  s.close();
  assert.equal(await started, undefined);
});
