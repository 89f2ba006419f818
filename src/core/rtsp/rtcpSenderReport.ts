/** Seconds from the NTP epoch (1900) to the Unix epoch (RFC 868). */
const ntpEpochOffsetS = 2_208_988_800;

export interface SenderReportFields {
  ssrc: number;
  /** Wall clock of the report, ms since the Unix epoch. */
  nowMs: number;
  /** The RTP timestamp that corresponds to `nowMs`. */
  rtpTimestamp: number;
  packetCount: number;
  /** Payload octets sent, headers excluded (RFC 3550 §6.4.1). */
  octetCount: number;
}

/**
 * An RTCP sender report with no report blocks (RFC 3550 §6.4.1): what ties the RTP clock to
 * wall-clock time for a client's lip-sync and latency figures.
 */
export function senderReport(fields: SenderReportFields): Buffer {
  const packet = Buffer.alloc(28);
  packet[0] = 0x80; // V=2, P=0, RC=0
  packet[1] = 200; // PT=SR
  packet.writeUInt16BE(28 / 4 - 1, 2); // length in 32-bit words minus one
  packet.writeUInt32BE(fields.ssrc >>> 0, 4);
  const seconds = Math.floor(fields.nowMs / 1000);
  packet.writeUInt32BE((seconds + ntpEpochOffsetS) >>> 0, 8);
  packet.writeUInt32BE(Math.floor(((fields.nowMs % 1000) / 1000) * 2 ** 32) >>> 0, 12);
  packet.writeUInt32BE(fields.rtpTimestamp >>> 0, 16);
  packet.writeUInt32BE(fields.packetCount >>> 0, 20);
  packet.writeUInt32BE(fields.octetCount >>> 0, 24);
  return packet;
}
