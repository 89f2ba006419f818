import { isIPv4 } from 'node:net';
import type { RtspConnection } from './rtspConnection';
import { TcpInterleavedOutput, UdpOutput, type RtpOutput } from './rtpOutput';
import type { TransportRequest } from './transportHeader';
import type { UdpPair } from './udpPair';

/** Where a new session's media goes, and the Transport header that tells the client. */
export interface SessionTransport {
  kind: 'tcp' | 'udp';
  output: RtpOutput;
  channels?: readonly [number, number];
  clientPorts?: readonly [number, number];
  /** RFC 2326 §12.39, as answered to SETUP. */
  reply: string;
}

/**
 * The output for what the client asked: interleaved in its connection (on the channels it
 * named, else the first free pair), or UDP from the server's pair; undefined when UDP is asked
 * for but the pair could not be bound (a 461: the client retries over TCP). `streamSsrc` is the
 * SSRC of the stream's packets, said in the reply as RFC 2326 §12.39 allows (8 hex digits), so a
 * client can tell our packets from a stranger's on its UDP port before the first arrives.
 */
export function sessionTransport(
  request: TransportRequest,
  connection: RtspConnection,
  udp: UdpPair | undefined,
  streamSsrc: number,
): SessionTransport | undefined {
  const ssrc = `ssrc=${(streamSsrc >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
  if (request.kind === 'tcp') {
    const channels = request.channels ?? connection.freeChannels();
    return {
      kind: 'tcp',
      output: new TcpInterleavedOutput(connection.socket, channels),
      channels,
      reply: `RTP/AVP/TCP;unicast;interleaved=${channels.join('-')};${ssrc}`,
    };
  }
  if (!udp) return undefined;
  const { remoteAddress } = connection;
  // A dual-stack socket reaches an IPv4 client at its IPv4-mapped address.
  const address = udp.type === 'udp6' && isIPv4(remoteAddress) ? `::ffff:${remoteAddress}` : remoteAddress;
  const [rtp, rtcp] = request.clientPorts;
  return {
    kind: 'udp',
    output: new UdpOutput(udp.rtp, udp.rtcp, address, request.clientPorts),
    clientPorts: request.clientPorts,
    reply: `RTP/AVP;unicast;client_port=${rtp}-${rtcp};server_port=${udp.ports.join('-')};${ssrc}`,
  };
}
