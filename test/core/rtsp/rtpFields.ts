import assert from 'node:assert/strict';

/** What a client reads from an RTP header (RFC 3550 §5.1). */
export interface RtpFields {
  seq: number;
  timestamp: number;
  ssrc: number;
}

export function rtpFields(packet: Buffer | undefined): RtpFields {
  assert.ok(packet !== undefined && packet.length >= 12, 'an RTP packet');
  assert.equal(packet[0] >> 6, 2, 'RTP version 2');
  return { seq: packet.readUInt16BE(2), timestamp: packet.readUInt32BE(4), ssrc: packet.readUInt32BE(8) };
}

/** The sender's SSRC of an RTCP sender report (RFC 3550 §6.4.1). */
export function senderReportSsrc(packet: Buffer | undefined): number {
  assert.ok(packet !== undefined && packet.length >= 28, 'an RTCP sender report');
  assert.equal(packet[1], 200, 'RTCP packet type SR');
  return packet.readUInt32BE(4);
}

/** The `ssrc=` of a SETUP answer's Transport header, which must be 8 hex digits. */
export function transportSsrc(transport: string | undefined): number {
  const match = /;ssrc=([0-9A-Fa-f]{8})(?:;|$)/.exec(transport ?? '');
  assert.ok(match, `no 8-digit ssrc in Transport: ${transport}`);
  return parseInt(match[1], 16);
}

/** The one stream of a PLAY answer's RTP-Info (RFC 2326 §12.33). */
export function rtpInfo(header: string | undefined): { url: string; seq: number; rtptime: number } {
  const match = /^url=([^;,]+);seq=(\d+);rtptime=(\d+)$/.exec(header ?? '');
  assert.ok(match, `RTP-Info is not url=…;seq=…;rtptime=…: ${header}`);
  return { url: match[1], seq: Number(match[2]), rtptime: Number(match[3]) };
}
