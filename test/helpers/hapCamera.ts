import { randomBytes } from 'node:crypto';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import assert from 'node:assert/strict';
import { HttpClient } from 'hap-controller';
import {
  ProtectionProfileAes128CmHmacSha1_80,
  RtcpReceiverInfo,
  RtcpRrPacket,
  RtpPacket,
  SrtcpSession,
  SrtpSession,
} from 'werift';
import { bridgePin } from './homebridgeRunner';

/**
 * The Home app's side of a HomeKit camera, for tests: pairing and accessory discovery over
 * hap-controller, the camera TLVs of HAP's RTP Stream Management service written by hand, and a
 * UDP receiver that decrypts SRTP with the keys it chose and turns RTP back into H.264.
 */

/** Short HAP type names (`110` for `00000110-0000-1000-8000-0026BB765291`). */
export const hapTypes = {
  cameraRtpStreamManagement: '110',
  supportedVideoStreamConfiguration: '114',
  selectedRtpStreamConfiguration: '117',
  setupEndpoints: '118',
  streamingStatus: '120',
  name: '23',
} as const;

export function shortType(type: string): string {
  return type.split('-')[0].replace(/^0+/, '').toUpperCase();
}

/** Pairs as a new controller with the bridge (or child bridge) on 127.0.0.1:`port`. */
export async function pairWithBridge(username: string, port: number): Promise<HttpClient> {
  const setup = new HttpClient(username, '127.0.0.1', port);
  await setup.pairSetup(bridgePin);
  const pairing = setup.getLongTermData();
  await setup.close();
  if (!pairing) throw new Error('pairSetup left no pairing data');
  // One persistent connection: HAP ties a camera stream to the connection that set it up.
  return new HttpClient(username, '127.0.0.1', port, pairing, { usePersistentConnections: true });
}

/** The characteristics of one RTP Stream Management service (one concurrent stream). */
export interface StreamIds {
  setupEndpoints: number;
  selectedConfiguration: number;
  streamingStatus: number;
}

/** The camera accessory; its own fields are the first stream service's. */
export interface CameraIds extends StreamIds {
  aid: number;
  streams: StreamIds[];
  streamManagementServices: number;
}

/** The first accessory with an RTP Stream Management service, and its characteristics' iids. */
export async function findCamera(client: HttpClient): Promise<CameraIds | undefined> {
  const { accessories } = await client.getAccessories();
  for (const accessory of accessories) {
    const streams = accessory.services.filter(
      (s) => shortType(s.type) === hapTypes.cameraRtpStreamManagement,
    );
    if (streams.length === 0) continue;
    const ids = streams.map((service): StreamIds => {
      const iid = (type: string) => {
        const found = service.characteristics.find((c) => shortType(c.type ?? '') === type);
        if (found?.iid === undefined) throw new Error(`camera service lacks characteristic ${type}`);
        return found.iid;
      };
      return {
        setupEndpoints: iid(hapTypes.setupEndpoints),
        selectedConfiguration: iid(hapTypes.selectedRtpStreamConfiguration),
        streamingStatus: iid(hapTypes.streamingStatus),
      };
    });
    return { aid: accessory.aid, ...ids[0], streams: ids, streamManagementServices: streams.length };
  }
  return undefined;
}

// --- TLV8 (HAP §14.1): type, length ≤ 255, value; longer values continue in items of the same type.

export function tlv(type: number, value: Buffer | number): Buffer {
  const data = typeof value === 'number' ? Buffer.from([value]) : value;
  const parts: Buffer[] = [];
  for (let offset = 0; offset < data.length || offset === 0; offset += 255) {
    const chunk = data.subarray(offset, offset + 255);
    parts.push(Buffer.from([type, chunk.length]), chunk);
    if (data.length === 0) break;
  }
  return Buffer.concat(parts);
}

export function decodeTlv(buffer: Buffer): Map<number, Buffer> {
  const items = new Map<number, Buffer>();
  let offset = 0;
  while (offset + 2 <= buffer.length) {
    const type = buffer[offset];
    const length = buffer[offset + 1];
    const value = buffer.subarray(offset + 2, offset + 2 + length);
    items.set(type, items.has(type) ? Buffer.concat([items.get(type) as Buffer, value]) : value);
    offset += 2 + length;
  }
  return items;
}

const uint16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
};
const uint32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
};
const float32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeFloatLE(n);
  return b;
};

/** The SRTP keys a controller chooses for one stream (AES_CM_128_HMAC_SHA1_80). */
export interface SrtpKeys {
  key: Buffer;
  salt: Buffer;
}

export function newSrtpKeys(): SrtpKeys {
  return { key: randomBytes(16), salt: randomBytes(14) };
}

/** SetupEndpoints write (HAP §9.117): session id, where to send video, the SRTP keys. */
export function setupEndpointsRequest(
  sessionId: Buffer,
  videoPort: number,
  audioPort: number,
  keys: SrtpKeys,
): string {
  const address = Buffer.concat([
    tlv(1, 0),
    tlv(2, Buffer.from('127.0.0.1')),
    tlv(3, uint16(videoPort)),
    tlv(4, uint16(audioPort)),
  ]);
  const srtp = (k: SrtpKeys) => Buffer.concat([tlv(1, 0), tlv(2, k.key), tlv(3, k.salt)]);
  return Buffer.concat([
    tlv(1, sessionId),
    tlv(3, address),
    tlv(4, srtp(keys)),
    tlv(5, srtp(newSrtpKeys())),
  ]).toString('base64');
}

export interface SetupEndpointsResponse {
  status: number;
  accessoryAddress: string;
  videoPort: number;
  videoSsrc: number;
  videoKey: Buffer;
  videoSalt: Buffer;
}

export function parseSetupEndpointsResponse(base64: string): SetupEndpointsResponse {
  const items = decodeTlv(Buffer.from(base64, 'base64'));
  const address = decodeTlv(items.get(3) ?? Buffer.alloc(0));
  const video = decodeTlv(items.get(4) ?? Buffer.alloc(0));
  return {
    status: items.get(2)?.[0] ?? -1,
    accessoryAddress: address.get(2)?.toString('utf8') ?? '',
    videoPort: address.get(3)?.readUInt16LE(0) ?? 0,
    videoSsrc: items.get(6)?.readUInt32LE(0) ?? 0,
    videoKey: video.get(2) ?? Buffer.alloc(0),
    videoSalt: video.get(3) ?? Buffer.alloc(0),
  };
}

export interface VideoRequest {
  width: number;
  height: number;
  fps: number;
  bitrateKbps: number;
  /** 0 baseline, 1 main, 2 high. */
  profile?: number;
  payloadType?: number;
  mtu?: number;
}

export const sessionCommands = { end: 0, start: 1, reconfigure: 4 } as const;

/** SelectedRTPStreamConfiguration write (HAP §9.114): start, reconfigure or end a session. */
export function selectedConfigurationRequest(
  sessionId: Buffer,
  command: number,
  video?: VideoRequest,
): string {
  const control = tlv(1, Buffer.concat([tlv(1, sessionId), tlv(2, command)]));
  if (!video) return control.toString('base64');
  const codecParameters = Buffer.concat([tlv(1, video.profile ?? 0), tlv(2, 0), tlv(3, 0)]);
  const attributes = Buffer.concat([
    tlv(1, uint16(video.width)),
    tlv(2, uint16(video.height)),
    tlv(3, video.fps),
  ]);
  const rtp = Buffer.concat([
    tlv(1, video.payloadType ?? 99),
    tlv(2, uint32(0x1234)), // the controller's own SSRC
    tlv(3, uint16(video.bitrateKbps)),
    tlv(4, float32(0.5)),
    tlv(5, uint16(video.mtu ?? 1378)),
  ]);
  const selectedVideo = Buffer.concat([tlv(1, 0), tlv(2, codecParameters), tlv(3, attributes), tlv(4, rtp)]);
  // iOS always sends audio parameters (Opus 24 kHz, 20 ms), even to a camera without audio.
  const audioParameters = Buffer.concat([tlv(1, 1), tlv(2, 0), tlv(3, 2), tlv(4, 20)]);
  const audioRtp = Buffer.concat([
    tlv(1, 110),
    tlv(2, uint32(0x5678)),
    tlv(3, uint16(24)),
    tlv(4, float32(5)),
    tlv(6, 13),
  ]);
  const selectedAudio = Buffer.concat([tlv(1, 3), tlv(2, audioParameters), tlv(3, audioRtp), tlv(4, 0)]);
  return Buffer.concat([control, tlv(2, selectedVideo), tlv(3, selectedAudio)]).toString('base64');
}

/**
 * A controller's UDP port: decrypts SRTP with the keys it chose, keeps RTP in arrival order, and
 * sends SRTCP receiver reports back to the sender every 500 ms (as iOS does) until `silence()`.
 */
export class SrtpReceiver {
  readonly packets: RtpPacket[] = [];
  decryptErrors = 0;
  private readonly socket: Socket = createSocket('udp4');
  private readonly srtp: SrtpSession;
  private readonly srtcp: SrtcpSession;
  private sender: RemoteInfo | undefined;
  private rtcpTimer: NodeJS.Timeout | undefined;
  senderReports = 0;

  constructor(readonly keys: SrtpKeys) {
    const sessionKeys = {
      localMasterKey: keys.key,
      localMasterSalt: keys.salt,
      remoteMasterKey: keys.key,
      remoteMasterSalt: keys.salt,
    };
    this.srtp = new SrtpSession({ keys: sessionKeys, profile: ProtectionProfileAes128CmHmacSha1_80 });
    this.srtcp = new SrtcpSession({ keys: sessionKeys, profile: ProtectionProfileAes128CmHmacSha1_80 });
    this.socket.on('message', (datagram, from) => this.onMessage(datagram, from));
  }

  async bind(): Promise<number> {
    await new Promise<void>((resolve) => this.socket.bind(0, '127.0.0.1', resolve));
    this.rtcpTimer = setInterval(() => this.sendReceiverReport(), 500);
    return this.socket.address().port;
  }

  /** The controller vanishes: no more RTCP (the socket still counts what arrives). */
  silence(): void {
    clearInterval(this.rtcpTimer);
    this.rtcpTimer = undefined;
  }

  close(): void {
    this.silence();
    this.socket.close();
  }

  /** The H.264 stream received so far, as Annex-B, from packets with this SSRC. */
  annexB(): Buffer {
    return depacketizeH264(this.packets);
  }

  private onMessage(datagram: Buffer, from: RemoteInfo): void {
    this.sender = from;
    const payloadType = datagram[1] & 0x7f;
    // RFC 5761 §4: RTCP packet types 200-204 land on payload types 72-76 when multiplexed.
    if (payloadType >= 72 && payloadType <= 76) {
      try {
        this.srtcp.decrypt(datagram);
        this.senderReports += 1;
      } catch {
        this.decryptErrors += 1;
      }
      return;
    }
    try {
      this.packets.push(RtpPacket.deSerialize(this.srtp.decrypt(datagram)));
    } catch {
      this.decryptErrors += 1;
    }
  }

  private sendReceiverReport(): void {
    if (!this.sender) return;
    const ssrc = this.packets.at(-1)?.header.ssrc ?? 0;
    const report = new RtcpRrPacket({ ssrc: 0x1234, reports: [new RtcpReceiverInfo({ ssrc })] });
    this.socket.send(this.srtcp.encrypt(report.serialize()), this.sender.port, this.sender.address);
  }
}

/** RFC 6184 depacketization (single NAL, STAP-A, FU-A) back to an Annex-B stream. */
export function depacketizeH264(packets: readonly RtpPacket[]): Buffer {
  const startCode = Buffer.from([0, 0, 0, 1]);
  const out: Buffer[] = [];
  let fragment: Buffer[] | undefined;
  for (const { payload } of packets) {
    const type = payload[0] & 0x1f;
    if (type >= 1 && type <= 23) {
      out.push(startCode, payload);
    } else if (type === 24) {
      for (let offset = 1; offset + 2 <= payload.length;) {
        const size = payload.readUInt16BE(offset);
        out.push(startCode, payload.subarray(offset + 2, offset + 2 + size));
        offset += 2 + size;
      }
    } else if (type === 28) {
      const start = (payload[1] & 0x80) !== 0;
      const end = (payload[1] & 0x40) !== 0;
      if (start) fragment = [Buffer.from([(payload[0] & 0xe0) | (payload[1] & 0x1f)])];
      fragment?.push(payload.subarray(2));
      if (end && fragment) {
        out.push(startCode, Buffer.concat(fragment));
        fragment = undefined;
      }
    }
  }
  return Buffer.concat(out);
}

/** profile_idc of the first SPS in an Annex-B stream (66 baseline, 77 main, 100 high). */
export function spsProfileIdc(annexB: Buffer): number | undefined {
  for (
    let i = annexB.indexOf(Buffer.from([0, 0, 1]));
    i >= 0;
    i = annexB.indexOf(Buffer.from([0, 0, 1]), i + 3)
  ) {
    if ((annexB[i + 3] & 0x1f) === 7) return annexB[i + 4];
  }
  return undefined;
}

/** A single SPS NAL, or a STAP-A whose first NAL is an SPS. */
export function startsWithSps(payload: Buffer): boolean {
  const type = payload[0] & 0x1f;
  return type === 7 || (type === 24 && (payload[3] & 0x1f) === 7);
}

export interface StartedStream {
  sessionId: Buffer;
  ssrc: number;
  receiver: SrtpReceiver;
}

/** SetupEndpoints, read the answer back, then start: the Home app's sequence. */
export async function startStream(
  client: HttpClient,
  camera: StreamIds & { aid: number },
  video: VideoRequest,
): Promise<StartedStream> {
  const keys = newSrtpKeys();
  const receiver = new SrtpReceiver(keys);
  const port = await receiver.bind();
  const sessionId = randomBytes(16);
  const setupId = `${camera.aid}.${camera.setupEndpoints}`;
  await client.setCharacteristics({ [setupId]: setupEndpointsRequest(sessionId, port, port + 2, keys) });
  const read = await client.getCharacteristics([setupId]);
  const response = parseSetupEndpointsResponse(String(read.characteristics[0].value));
  assert.equal(response.status, 0, 'SetupEndpoints succeeded');
  assert.ok(response.videoKey.equals(keys.key), 'the accessory uses our SRTP key');
  assert.ok(response.videoPort > 0);
  await client.setCharacteristics({
    [`${camera.aid}.${camera.selectedConfiguration}`]: selectedConfigurationRequest(
      sessionId,
      sessionCommands.start,
      video,
    ),
  });
  return { sessionId, ssrc: response.videoSsrc, receiver };
}

export async function stopStream(
  client: HttpClient,
  camera: StreamIds & { aid: number },
  sessionId: Buffer,
): Promise<void> {
  await client.setCharacteristics({
    [`${camera.aid}.${camera.selectedConfiguration}`]: selectedConfigurationRequest(
      sessionId,
      sessionCommands.end,
    ),
  });
}
