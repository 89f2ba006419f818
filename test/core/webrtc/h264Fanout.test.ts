import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RtpPacket } from 'werift';
import { H264Fanout, type PacketizedAccessUnit } from '../../../src/core/webrtc/h264Fanout';

const startCode = Buffer.from([0, 0, 0, 1]);
const nal = (type: number, size: number) =>
  Buffer.concat([Buffer.from([0x60 | type]), Buffer.alloc(size - 1, 0xab)]);
/** SPS, PPS and a 5000-byte IDR slice: a STAP-A and FU-A fragments. */
const keyframe = Buffer.concat([startCode, nal(7, 12), startCode, nal(8, 4), startCode, nal(5, 5000)]);
const delta = Buffer.concat([startCode, nal(1, 800)]);

class RecordingSink {
  readonly units: PacketizedAccessUnit[] = [];
  deliver(unit: PacketizedAccessUnit): void {
    this.units.push(unit);
  }
}

test('each access unit is packetized once and every viewer gets the same read-only bytes', () => {
  const fanout = new H264Fanout();
  const sinks = [new RecordingSink(), new RecordingSink(), new RecordingSink()];
  for (const sink of sinks) fanout.add(sink);
  fanout.push({ data: keyframe, pts: 90_000, keyframe: true });
  fanout.push({ data: delta, pts: 93_600, keyframe: false });
  const [first, ...others] = sinks;
  for (const other of others) {
    assert.equal(other.units[0], first.units[0], 'one packetization shared');
    assert.equal(other.units[1], first.units[1]);
  }
  const packets = first.units[0].packets.map((b) => RtpPacket.deSerialize(b));
  assert.ok(packets.length >= 6, `${packets.length} packets`);
  assert.ok(
    packets.every((p) => p.serializeSize <= 1200 + 12),
    'MTU respected',
  );
  assert.equal(packets[0].payload[0] & 0x1f, 24, 'SPS+PPS in one STAP-A (RFC 6184 §5.7.1)');
  assert.equal(packets[1].payload[0] & 0x1f, 28, 'the IDR in FU-A fragments (§5.8)');
  assert.deepEqual(
    packets.map((p) => p.header.marker),
    packets.map((_, i) => i === packets.length - 1),
    'marker on the last packet of the access unit only',
  );
  assert.ok(packets.every((p) => p.header.timestamp === 90_000));
  assert.equal(first.units[0].keyframe, true);
  assert.equal(
    first.units[0].bytes,
    first.units[0].packets.reduce((s, b) => s + b.length, 0),
  );
  const next = RtpPacket.deSerialize(first.units[1].packets[0]);
  assert.equal(next.header.sequenceNumber, (packets.at(-1)!.header.sequenceNumber + 1) & 0xffff);
});

test('RTP timestamps wrap at 2^32; nothing is packetized without viewers', () => {
  const fanout = new H264Fanout();
  fanout.push({ data: delta, pts: 1, keyframe: false });
  const sink = new RecordingSink();
  fanout.add(sink);
  fanout.push({ data: delta, pts: 2 ** 32 + 3600, keyframe: false });
  assert.equal(RtpPacket.deSerialize(sink.units[0].packets[0]).header.timestamp, 3600);
  fanout.delete(sink);
  fanout.push({ data: delta, pts: 2 ** 32 + 7200, keyframe: false });
  assert.equal(sink.units.length, 1);
  assert.equal(fanout.size, 0);
});
