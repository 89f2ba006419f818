/**
 * Which datagrams reaching a viewer's UDP socket werift may see. werift hands DTLS, SRTP and
 * SRTCP from any source address to the session, and takes any DTLS alert (even an unsigned one
 * at epoch 0) or record of unknown type as the end of the session: one 15-byte datagram from
 * anywhere stopped a viewer's video for good. These rules are what RFC 8445 and RFC 6347 ask.
 */

/** Why a datagram was dropped; counted per viewer. */
export type DropReason = 'address' | 'recordtype' | 'alert' | 'malformed';

/** What the filter needs to know of the session at the moment a datagram arrives. */
export interface SessionView {
  /**
   * May media and DTLS come from this address? The ICE-selected pair's remote address once
   * there is one; before that, any pair whose connectivity check succeeded (RFC 8445 §7.3.1.5).
   */
  acceptsFrom(address: string, port: number): boolean;
  /** DTLS has finished its handshake: from here on every alert must carry the session's MAC. */
  dtlsConnected(): boolean;
  /** True when `record` decrypts and authenticates with the session's keys. */
  authenticates(record: DtlsRecord): boolean;
}

/** One DTLS record as read off the wire (RFC 6347 §4.1). */
export interface DtlsRecord {
  contentType: number;
  major: number;
  minor: number;
  epoch: number;
  sequenceNumber: number;
  fragment: Buffer;
}

/** RFC 6347 §4.1 content types: change_cipher_spec, alert, handshake, application_data. */
const contentTypes = { changeCipherSpec: 20, alert: 21, handshake: 22, applicationData: 23 } as const;
const knownContentTypes = new Set<number>(Object.values(contentTypes));
const recordHeaderBytes = 13;

/** Returns why `data` from `address:port` must not reach werift, or undefined to let it through. */
export function judgeDatagram(
  data: Buffer,
  address: string,
  port: number,
  session: SessionView,
): DropReason | undefined {
  // RFC 7983 §7 demultiplexing on the first byte: 0-3 STUN, 20-63 DTLS, 128-191 RTP/RTCP.
  const first = data[0];
  if (first === undefined) return 'malformed';
  // STUN carries its own MESSAGE-INTEGRITY, which werift checks; ICE needs it from any address.
  if (first <= 3) return undefined;
  if (!session.acceptsFrom(address, port)) return 'address';
  if (first >= 20 && first <= 63) return judgeDtls(data, session);
  return undefined;
}

function judgeDtls(data: Buffer, session: SessionView): DropReason | undefined {
  const records = parseRecords(data);
  if (!records) return 'malformed';
  for (const record of records) {
    if (!knownContentTypes.has(record.contentType)) return 'recordtype';
    if (record.contentType !== contentTypes.alert) continue;
    // RFC 6347 §4.1.2.7: a record that fails authentication is discarded silently. Before the
    // handshake ends there are no keys, and an alert then can only fail a handshake in progress.
    if (!session.dtlsConnected()) continue;
    if (record.epoch === 0 || !session.authenticates(record)) return 'alert';
  }
  return undefined;
}

/** Splits a datagram into DTLS records; undefined when a header or length does not add up. */
export function parseRecords(data: Buffer): DtlsRecord[] | undefined {
  const records: DtlsRecord[] = [];
  let offset = 0;
  while (offset < data.length) {
    if (data.length - offset < recordHeaderBytes) return undefined;
    const length = data.readUInt16BE(offset + 11);
    const end = offset + recordHeaderBytes + length;
    if (end > data.length) return undefined;
    records.push({
      contentType: data[offset],
      major: data[offset + 1],
      minor: data[offset + 2],
      epoch: data.readUInt16BE(offset + 3),
      sequenceNumber: data.readUIntBE(offset + 5, 6),
      fragment: data.subarray(offset + recordHeaderBytes, end),
    });
    offset = end;
  }
  return records;
}
