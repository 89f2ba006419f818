import type { RTCPeerConnection } from 'werift';
import { judgeDatagram, type DropReason, type DtlsRecord, type SessionView } from './datagramFilter';

/**
 * The parts of werift's ICE and DTLS internals the guard reads. They are not in werift's public
 * types; `guardPeerTransport` checks their shape and throws when an upgrade moved them, so a
 * werift release that breaks the guard fails our tests instead of silently dropping it.
 */
interface IceConnectionInternals {
  protocols: {
    type: string;
    transport?: { type: string; onData: (data: Buffer, addr: [string, number]) => void };
  }[];
  nominated?: PairInternals;
  candidatePairs: PairInternals[];
}
interface PairInternals {
  state: number;
  remoteAddr: [string, number];
  protocol: unknown;
}
interface DtlsSocketInternals {
  cipher: { decryptPacket(record: unknown): Buffer };
}
/** werift's CandidatePairState.SUCCEEDED. */
const pairSucceeded = 3;

export type DropCounters = Record<DropReason, number>;

/**
 * Puts `judgeDatagram` between each of the peer's UDP sockets and werift: DTLS, SRTP and SRTCP
 * only from the ICE-selected remote address, no unauthenticated DTLS alert, no unknown record
 * type. Call after the local description is set (the sockets exist from then on). Returns the
 * drop counters, which keep counting for the life of the peer.
 */
export function guardPeerTransport(pc: RTCPeerConnection): DropCounters {
  const counters: DropCounters = { address: 0, recordtype: 0, alert: 0, malformed: 0 };
  for (const dtlsTransport of pc.dtlsTransports) {
    const connection = dtlsTransport.iceTransport.connection as unknown as IceConnectionInternals;
    if (!Array.isArray(connection.protocols) || !Array.isArray(connection.candidatePairs)) {
      throw new Error('werift changed its ICE internals: the transport guard cannot be installed');
    }
    const session = sessionView(connection, () => {
      const socket = dtlsTransport.dtls as unknown as DtlsSocketInternals | undefined;
      return dtlsTransport.state === 'connected' ? socket : undefined;
    });
    for (const protocol of connection.protocols) {
      const transport = protocol.transport;
      if (protocol.type !== 'stun' || transport?.type !== 'udp') continue;
      const deliver = transport.onData;
      transport.onData = (data, addr) => {
        const verdict = judgeDatagram(data, addr[0], addr[1], session.forProtocol(protocol));
        if (verdict) counters[verdict]++;
        else deliver(data, addr);
      };
    }
  }
  return counters;
}

function sessionView(
  connection: IceConnectionInternals,
  connectedDtls: () => DtlsSocketInternals | undefined,
): { forProtocol(protocol: unknown): SessionView } {
  return {
    forProtocol: (protocol) => ({
      acceptsFrom(address, port) {
        const matches = (pair: PairInternals) =>
          pair.protocol === protocol && pair.remoteAddr[0] === address && pair.remoteAddr[1] === port;
        const selected = connection.nominated;
        if (selected) return matches(selected);
        return connection.candidatePairs.some((pair) => pair.state === pairSucceeded && matches(pair));
      },
      dtlsConnected: () => connectedDtls() !== undefined,
      authenticates(record: DtlsRecord) {
        const socket = connectedDtls();
        if (!socket) return false;
        try {
          // werift's record shape; decryption has no side effects (no replay window to move).
          socket.cipher.decryptPacket({
            recordLayerHeader: {
              contentType: record.contentType,
              protocolVersion: { major: record.major, minor: record.minor },
              epoch: record.epoch,
              sequenceNumber: record.sequenceNumber,
              contentLen: record.fragment.length,
            },
            fragment: record.fragment,
          });
          return true;
        } catch {
          return false;
        }
      },
    }),
  };
}
