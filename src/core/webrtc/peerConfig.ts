import { isIP } from 'node:net';
import { useH264, type RTCPeerConnectionConfig } from 'werift';

/** How viewers' peers find each other; from `server` in the config. */
export interface IceOptions {
  /**
   * Extra addresses offered as host candidates (as go2rtc's `webrtc.candidates`): the public IP
   * behind a NAT, the Docker host's address, or 127.0.0.1 on a loopback-only host. werift leaves
   * loopback and some interfaces out of its own gathering.
   */
  iceAddresses: readonly string[];
  /**
   * Offer only `iceAddresses`. The engine sets this when the HTTP server listens on loopback: a
   * viewer that reached us through loopback is on this machine, so the other interfaces would
   * only be dead candidates. The UDP sockets still listen on every address: ICE agents that
   * leave loopback out of their own gathering (libnice, so GStreamer's webrtcbin) check from an
   * interface address, and a socket bound to 127.0.0.1 could never answer them (the kernel drops
   * a loopback source bound for another address). Only a peer that knows the session's ICE
   * credentials, given out over the loopback HTTP server, gets an answer.
   */
  onlyListedAddresses: boolean;
}

/**
 * The H.264 we offer. Chrome, Firefox and Safari all list 42e01f with packetization-mode=1; werift
 * matches profile-level-id exactly, so 42001f (plain baseline, which includes our constrained
 * stream) is a fallback for clients that list only that. Decoders accept higher levels of the same
 * profile in practice, so a 1080p level-4.0 stream plays under either.
 */
export function h264Codecs() {
  return [
    useH264({ payloadType: 96 }),
    useH264({
      payloadType: 97,
      parameters: 'profile-level-id=42001f;packetization-mode=1;level-asymmetry-allowed=1',
    }),
  ];
}

/** werift's peer configuration for one viewer: video only, H.264, our ICE addresses. */
export function viewerPeerConfig(ice: IceOptions): RTCPeerConnectionConfig {
  const config: RTCPeerConnectionConfig = {
    codecs: { video: h264Codecs(), audio: [] },
    iceAdditionalHostAddresses: [...ice.iceAddresses],
    // No STUN server: gathering finishes at once, and the answer can carry every candidate.
    // werift still falls back to Google's unless told otherwise after addTransceiver
    // (noDefaultStun.ts).
    iceServers: [],
  };
  if (ice.onlyListedAddresses) {
    // getHostAddresses() contributes nothing when both families are off; the additional
    // addresses are still gathered (werift's ice.ts: additionalHostAddresses ∪ host addresses).
    config.iceUseIpv4 = false;
    config.iceUseIpv6 = false;
  }
  return config;
}

/** True for 127.0.0.0/8, ::1 and `localhost`. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

/**
 * ICE options for an HTTP server bound to `host`: on loopback, viewers are on this machine, so
 * only loopback candidates (127.0.0.1 unless `iceAddresses` says otherwise); elsewhere, every
 * interface plus `iceAddresses`.
 */
export function iceOptionsForHost(host: string, iceAddresses: readonly string[]): IceOptions {
  if (!isLoopbackHost(host)) return { iceAddresses, onlyListedAddresses: false };
  return { iceAddresses: iceAddresses.length > 0 ? iceAddresses : ['127.0.0.1'], onlyListedAddresses: true };
}
