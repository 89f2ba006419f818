import { dePacketizeRtpPackets, type RtpPacket } from 'werift';

/**
 * RTP packets of one H.264 stream (in arrival order) reassembled into Annex-B access units by
 * RTP timestamp, from the first keyframe on: what a decoder joining the stream can use.
 */
export function annexBFromRtp(packets: readonly RtpPacket[]): Buffer {
  const byTimestamp = new Map<number, RtpPacket[]>();
  for (const packet of packets) {
    const list = byTimestamp.get(packet.header.timestamp) ?? [];
    list.push(packet);
    byTimestamp.set(packet.header.timestamp, list);
  }
  const units = [...byTimestamp.values()].map((list) => dePacketizeRtpPackets('MPEG4/ISO/AVC', list));
  const first = units.findIndex((u) => u.isKeyframe);
  return Buffer.concat(first < 0 ? [] : units.slice(first).map((u) => u.data));
}
