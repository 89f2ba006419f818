import { createSocket } from 'node:dgram';
import { RTCPeerConnection, type RTCRtpTransceiver } from 'werift';
import { h264Codecs, iceOptionsForHost, viewerPeerConfig } from '../../src/core/webrtc/peerConfig';
import { withoutDefaultStun } from '../../src/core/webrtc/noDefaultStun';

/**
 * A WHEP viewer made of a bare werift peer, for attack scripts that need what WhepClient hides:
 * the server's selected address and port, and the peer's own DTLS session.
 */
export class RawViewer {
  /** RTP packets received. */
  packets = 0;
  sessionUrl = '';
  private readonly pc = new RTCPeerConnection({
    ...viewerPeerConfig(iceOptionsForHost('127.0.0.1', [])),
    codecs: { video: h264Codecs() },
  });
  private readonly transceiver: RTCRtpTransceiver;

  private constructor() {
    this.transceiver = this.pc.addTransceiver('video', { direction: 'recvonly' });
    withoutDefaultStun(this.pc);
    this.transceiver.onTrack.subscribe((track) => track.onReceiveRtp.subscribe(() => this.packets++));
  }

  /** POSTs an offer to `endpoint`; rejects with the status when it is not 201. */
  static async connect(endpoint: string): Promise<RawViewer> {
    const viewer = new RawViewer();
    try {
      await viewer.pc.setLocalDescription(await viewer.pc.createOffer());
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'Content-Type': 'application/sdp' },
        body: viewer.pc.localDescription?.sdp ?? '',
      });
      const body = await response.text();
      if (response.status !== 201) throw new Error(`WHEP POST answered ${response.status}: ${body}`);
      viewer.sessionUrl = new URL(response.headers.get('location') ?? '', endpoint).href;
      await viewer.pc.setRemoteDescription({ type: 'answer', sdp: body });
    } catch (error) {
      await viewer.close();
      throw error;
    }
    return viewer;
  }

  /** The server's end of the ICE-selected pair: where its media comes from. */
  serverAddress(): [string, number] {
    const nominated = this.pc.iceTransports[0]?.connection.nominated;
    if (!nominated) throw new Error('ICE has not selected a pair yet');
    const [address, port] = nominated.remoteAddr;
    return [address, port];
  }

  /** Sends `datagram` from this viewer's own selected address and port (no spoofing needed). */
  async sendFromSelectedPair(datagram: Buffer): Promise<void> {
    await this.pc.iceTransports[0].connection.send(datagram);
  }

  /**
   * A real close_notify (RFC 5246 §7.2.1), encrypted and signed with this session's DTLS keys:
   * the server's werift ends DTLS on it, and from then on its sender sends nothing.
   */
  async sendAuthenticatedCloseNotify(): Promise<void> {
    const socket = this.pc.dtlsTransports[0].dtls as unknown as {
      dtls: { recordSequenceNumber: number };
      cipher: { encryptPacket(record: unknown): { fragment: Buffer } };
    };
    const sequenceNumber = ++socket.dtls.recordSequenceNumber;
    const record = {
      recordLayerHeader: {
        contentType: 21,
        protocolVersion: { major: 254, minor: 253 },
        epoch: 1,
        sequenceNumber,
        contentLen: 2,
      },
      fragment: Buffer.from([1, 0]), // warning, close_notify
    };
    const { fragment } = socket.cipher.encryptPacket(record);
    await this.sendFromSelectedPair(dtlsRecord(21, 1, sequenceNumber, fragment));
  }

  async close(): Promise<void> {
    if (this.sessionUrl) await fetch(this.sessionUrl, { method: 'DELETE' }).catch(() => undefined);
    await this.pc.close().catch(() => undefined);
  }
}

/** One DTLS 1.2 record (RFC 6347 §4.1): type, version fe fd, epoch, 48-bit sequence, length. */
export function dtlsRecord(
  contentType: number,
  epoch: number,
  sequenceNumber: number,
  fragment: Buffer,
): Buffer {
  const header = Buffer.alloc(13);
  header[0] = contentType;
  header[1] = 0xfe;
  header[2] = 0xfd;
  header.writeUInt16BE(epoch, 3);
  header.writeUIntBE(sequenceNumber, 5, 6);
  header.writeUInt16BE(fragment.length, 11);
  return Buffer.concat([header, fragment]);
}

/** The forged datagrams of issue 18 item 1: each one alone stopped a viewer's video. */
export function forgedDatagrams(): { name: string; datagram: Buffer }[] {
  return [
    // 15 bytes: a warning-level close_notify alert at epoch 0, signed by nobody.
    { name: 'alert at epoch 0', datagram: dtlsRecord(21, 0, 1, Buffer.from([1, 0])) },
    // A record type DTLS does not have (werift read any unknown type as an alert).
    { name: 'unknown record type', datagram: dtlsRecord(63, 0, 2, Buffer.from([0, 0])) },
    // Claims epoch 1 but is plain text: werift took a readable alert description as genuine.
    { name: 'unsigned alert at epoch 1', datagram: dtlsRecord(21, 1, 999, Buffer.from([1, 0])) },
    // SRTP-looking bytes: media is only taken from the selected pair.
    { name: 'forged SRTP', datagram: Buffer.concat([Buffer.from([0x80, 0x60]), Buffer.alloc(40, 7)]) },
  ];
}

/** Sends each datagram `times` times from a fresh UDP socket (another port: another sender). */
export async function sprayFromElsewhere(
  target: [string, number],
  datagrams: Buffer[],
  times: number,
): Promise<void> {
  const socket = createSocket('udp4');
  try {
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    for (let i = 0; i < times; i++) {
      for (const datagram of datagrams) {
        await new Promise<void>((resolve, reject) =>
          socket.send(datagram, target[1], target[0], (error) => (error ? reject(error) : resolve())),
        );
      }
    }
  } finally {
    socket.close();
  }
}
