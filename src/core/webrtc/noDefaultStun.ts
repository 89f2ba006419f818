import type { RTCPeerConnection } from 'werift';

/** The field of werift's ICE Connection that names the STUN server it queries while gathering. */
interface IceConnectionStun {
  stunServer?: unknown;
}

/**
 * Leaves the peer without a STUN server. werift's ICE falls back to stun.l.google.com when the
 * config names none (`iceServers: []` included), so every viewer made the server look that name
 * up and send it a STUN request from each IPv4 address: a stranger told of each viewer, and a
 * gathering that waits out the STUN timeout where outbound UDP is blocked. Our answers need only
 * host candidates (and `iceAddresses` for NAT). Call after `addTransceiver` (the ICE transport
 * exists from then on) and before the local description is set (which gathers). Throws when
 * werift no longer has the field, so an upgrade that moves it fails the tests instead of
 * silently querying Google again.
 */
export function withoutDefaultStun(pc: RTCPeerConnection): void {
  for (const dtlsTransport of pc.dtlsTransports) {
    const connection = dtlsTransport.iceTransport.connection as unknown as IceConnectionStun;
    if (!('stunServer' in connection)) {
      throw new Error('werift changed its ICE internals: its default STUN server cannot be turned off');
    }
    connection.stunServer = undefined;
  }
}
