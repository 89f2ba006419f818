import type { Socket as UdpSocket } from 'node:dgram';
import type { Socket } from 'node:net';
import type { PacketizedAccessUnit } from '../webrtc/h264Fanout';

/** Where one session's RTP and RTCP go. */
export interface RtpOutput {
  /** Bytes queued in this process for the client, not yet taken by the kernel. */
  readonly bufferedBytes: number;
  sendUnit(unit: PacketizedAccessUnit): void;
  sendRtcp(packet: Buffer): void;
}

/**
 * Each unit framed for one interleaved channel, built by the first TCP client on that channel
 * and written as is by every other: one buffer and one write per client, whatever the number of
 * packets (RFC 2326 §10.12: `$`, channel, 16-bit length, packet).
 */
const framedUnits = new WeakMap<PacketizedAccessUnit, Map<number, Buffer>>();

function framedUnit(unit: PacketizedAccessUnit, channel: number): Buffer {
  let byChannel = framedUnits.get(unit);
  if (byChannel === undefined) {
    byChannel = new Map();
    framedUnits.set(unit, byChannel);
  }
  let framed = byChannel.get(channel);
  if (framed === undefined) {
    framed = Buffer.allocUnsafe(unit.bytes + 4 * unit.packets.length);
    let offset = 0;
    for (const packet of unit.packets) offset = writeFrame(framed, offset, channel, packet);
    byChannel.set(channel, framed);
  }
  return framed;
}

function writeFrame(target: Buffer, offset: number, channel: number, packet: Buffer): number {
  target[offset] = 0x24;
  target[offset + 1] = channel;
  target.writeUInt16BE(packet.length, offset + 2);
  packet.copy(target, offset + 4);
  return offset + 4 + packet.length;
}

/** RTP and RTCP interleaved in the RTSP connection. */
export class TcpInterleavedOutput implements RtpOutput {
  constructor(
    private readonly socket: Socket,
    private readonly channels: readonly [number, number],
  ) {}

  get bufferedBytes(): number {
    return this.socket.writableLength;
  }

  sendUnit(unit: PacketizedAccessUnit): void {
    if (this.socket.writable) this.socket.write(framedUnit(unit, this.channels[0]));
  }

  sendRtcp(packet: Buffer): void {
    if (!this.socket.writable) return;
    const framed = Buffer.allocUnsafe(packet.length + 4);
    writeFrame(framed, 0, this.channels[1], packet);
    this.socket.write(framed);
  }
}

/**
 * RTP and RTCP over the server's UDP pair to the client's ports, at the address its RTSP
 * connection came from: never a `destination` it names (RFC 2326 §12.39 warns of exactly that
 * as a way to flood a third party).
 */
export class UdpOutput implements RtpOutput {
  /**
   * Datagrams the kernel would not take yet, queued by libuv for the shared socket: past the
   * bound every UDP client skips to a keyframe, since the host's own uplink is full.
   */
  get bufferedBytes(): number {
    return this.rtpSocket.getSendQueueSize();
  }

  constructor(
    private readonly rtpSocket: UdpSocket,
    private readonly rtcpSocket: UdpSocket,
    private readonly address: string,
    private readonly ports: readonly [number, number],
  ) {}

  sendUnit(unit: PacketizedAccessUnit): void {
    for (const packet of unit.packets) this.rtpSocket.send(packet, this.ports[0], this.address);
  }

  sendRtcp(packet: Buffer): void {
    this.rtcpSocket.send(packet, this.ports[1], this.address);
  }
}
