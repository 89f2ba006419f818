import type { PacketizedAccessUnit } from '../webrtc/h264Fanout';

/** The first RTP packet a client receives after PLAY: what RTP-Info tells it. */
export interface RtpStart {
  /** Its sequence number (RFC 3550 §5.1). */
  seq: number;
  /** Its RTP timestamp, 90 kHz. */
  rtptime: number;
}

/** Sequence number and timestamp of the unit's first packet, read from its RTP header. */
export function rtpStartOf(unit: PacketizedAccessUnit): RtpStart | undefined {
  const first = unit.packets[0];
  if (first === undefined || first.length < 12) return undefined;
  return { seq: first.readUInt16BE(2), rtptime: first.readUInt32BE(4) };
}

/**
 * The PLAY response's RTP-Info for our one track (RFC 2326 §12.33): `url` is the URL the client
 * set the track up with, so that a client matching it against its own (FFmpeg compares them
 * exactly) finds the track.
 */
export function rtpInfoHeader(trackUrl: string, start: RtpStart): string {
  return `url=${trackUrl};seq=${start.seq};rtptime=${start.rtptime}`;
}
