import type { Socket } from 'node:dgram';
import {
  H264Packetizer,
  ProtectionProfileAes128CmHmacSha1_80,
  RtcpPacketConverter,
  RtcpSenderInfo,
  RtcpSrPacket,
  SrtcpSession,
  SrtpSession,
  type RtcpPacket,
} from 'werift';
import { EnhancedEventEmitter } from '../core/enhancedEvents';
import type { Logger } from '../core/logger';
import type { AccessUnit } from '../core/stitcher/stitcher';

/** What HomeKit settled for one stream: SetupEndpoints plus SelectedRTPStreamConfiguration. */
export interface SrtpTarget {
  /** The controller's address and video port (SetupEndpoints). */
  address: string;
  port: number;
  /** AES_CM_128_HMAC_SHA1_80 master key (16 bytes) and salt (14 bytes) the controller chose. */
  srtpKey: Buffer;
  srtpSalt: Buffer;
  /** The SSRC we announced in the SetupEndpoints response. */
  ssrc: number;
  /** Dynamic payload type HomeKit selected (99 from iOS). */
  payloadType: number;
  /** Largest UDP payload HomeKit accepts (1378 on IPv4 by default). */
  mtu: number;
}

export interface SrtpSenderOptions {
  /** Bound UDP socket: we send from it, and the controller's RTCP arrives on it (rtcp-mux). */
  socket: Socket;
  target: SrtpTarget;
  /** Sender reports this often; HomeKit gives a minimum (usually 0.5 s). */
  rtcpIntervalMs: number;
  /** No datagram from the controller for this long: it is gone (`inactive`). */
  inactivityTimeoutMs: number;
  logger: Logger;
}

export interface SrtpSenderEvents extends Record<string, unknown[]> {
  /** The controller stopped sending RTCP for `inactivityTimeoutMs`. */
  inactive: [];
  /** The controller asked for a new picture (RTCP PLI or FIR). */
  keyframerequest: [];
  close: [];
}

const rtpHeaderBytes = 12;
const srtpAuthTagBytes = 10; // HMAC-SHA1-80
const ntpEpochOffsetSeconds = 2_208_988_800; // 1900 → 1970 (RFC 5905)

/**
 * One HomeKit video stream on the wire: H.264 access units → RTP (RFC 6184, werift's packetizer)
 * → SRTP (RFC 3711, werift's session) → UDP, with RTCP sender reports out and the controller's
 * RTCP watched in. Starts on a keyframe; owns its timers and the socket, freed by `close()`.
 */
export class SrtpSender extends EnhancedEventEmitter<SrtpSenderEvents> {
  private readonly packetizer: H264Packetizer;
  private readonly srtp: SrtpSession;
  private readonly srtcp: SrtcpSession;
  private readonly rtcpTimer: NodeJS.Timeout;
  private inactivityTimer: NodeJS.Timeout;
  private readonly timestampOffset = Math.floor(Math.random() * 0x1_0000_0000);
  private waitingForKeyframe = true;
  private lastRtpTimestamp = 0;
  private lastPts: number | undefined;
  private lastPtsAtMs = 0;
  private packetCount = 0;
  private octetCount = 0;
  private closed = false;
  /** Datagrams the controller sent us (RTCP); for logs and tests. */
  receivedFromController = 0;

  constructor(private readonly options: SrtpSenderOptions) {
    super();
    const { target } = options;
    this.packetizer = new H264Packetizer({
      maxPayloadSize: target.mtu - rtpHeaderBytes - srtpAuthTagBytes,
      payloadType: target.payloadType,
      ssrc: target.ssrc,
      inputFormat: 'annexb',
    });
    // HomeKit uses the controller's key both ways: it encrypts its RTCP with it and expects ours
    // under it, so local and remote master keys are the same.
    const keys = {
      localMasterKey: target.srtpKey,
      localMasterSalt: target.srtpSalt,
      remoteMasterKey: target.srtpKey,
      remoteMasterSalt: target.srtpSalt,
    };
    this.srtp = new SrtpSession({ keys, profile: ProtectionProfileAes128CmHmacSha1_80 });
    this.srtcp = new SrtcpSession({ keys, profile: ProtectionProfileAes128CmHmacSha1_80 });
    options.socket.on('message', this.onMessage);
    options.socket.on('error', this.onSocketError);
    this.rtcpTimer = setInterval(() => this.sendSenderReport(), options.rtcpIntervalMs);
    this.inactivityTimer = this.armInactivityTimer();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Sends one access unit; delta frames before the first keyframe are dropped. */
  send(unit: AccessUnit): void {
    if (this.closed) return;
    if (this.waitingForKeyframe) {
      if (!unit.keyframe) return;
      this.waitingForKeyframe = false;
    }
    // RTP timestamps are 32-bit and wrap (RFC 3550 §5.1); a random start as §5.1 asks.
    const timestamp = (unit.pts + this.timestampOffset) >>> 0;
    this.lastRtpTimestamp = timestamp;
    this.lastPts = unit.pts;
    this.lastPtsAtMs = Date.now();
    for (const packet of this.packetizer.packetize(unit.data, timestamp, { isKeyframe: unit.keyframe })) {
      const datagram = this.srtp.encrypt(packet.payload, packet.header);
      this.packetCount += 1;
      this.octetCount += packet.payload.length;
      this.transmit(datagram);
    }
  }

  /** The next unit sent must be a keyframe (a new rendition after reconfigure). */
  restartOnKeyframe(): void {
    this.waitingForKeyframe = true;
  }

  /** Stops timers and closes the socket; idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.rtcpTimer);
    clearTimeout(this.inactivityTimer);
    this.options.socket.off('message', this.onMessage);
    try {
      this.options.socket.close();
    } catch {
      // Already closed by an error: nothing left to free.
    }
    this.safeEmit('close');
    this.removeAllListeners();
  }

  protected override onListenerError(event: string, error: unknown): void {
    this.options.logger.error(
      `a "${event}" listener threw: ${error instanceof Error ? error.message : String(error)}`,
    );
  }

  private readonly onMessage = (datagram: Buffer): void => {
    this.receivedFromController += 1;
    clearTimeout(this.inactivityTimer);
    this.inactivityTimer = this.armInactivityTimer();
    for (const packet of this.decryptRtcp(datagram)) {
      // RFC 4585 PLI is psfb type 206 fmt 1, RFC 5104 FIR fmt 4: either way, send an IDR.
      if (packet.type === 206 && (packet.feedback.count === 1 || packet.feedback.count === 4)) {
        this.safeEmit('keyframerequest');
      }
    }
  };

  private readonly onSocketError = (error: Error): void => {
    this.options.logger.warn(`stream socket error: ${error.message}`);
  };

  private decryptRtcp(datagram: Buffer): RtcpPacket[] {
    try {
      return RtcpPacketConverter.deSerialize(this.srtcp.decrypt(datagram));
    } catch {
      // Keep-alives and packets we cannot read still prove the controller is there.
      return [];
    }
  }

  private armInactivityTimer(timeoutMs = this.options.inactivityTimeoutMs): NodeJS.Timeout {
    const dueAt = Date.now() + timeoutMs;
    return setTimeout(() => {
      if (this.closed) return;
      // Fired late: the event loop was stalled (a long GC, an overloaded machine), and the
      // controller's reports may be waiting unread in the socket, which is read after the
      // timers. Look again once it has been read, rather than take the stall for silence.
      const lateMs = Date.now() - dueAt;
      if (lateMs > 100 && timeoutMs === this.options.inactivityTimeoutMs) {
        this.inactivityTimer = this.armInactivityTimer(Math.min(lateMs, timeoutMs));
        return;
      }
      this.safeEmit('inactive');
    }, timeoutMs);
  }

  /** RFC 3550 §6.4.1: ties our RTP clock to wall-clock time, so the controller can sync. */
  private sendSenderReport(): void {
    if (this.closed || this.lastPts === undefined) return;
    const nowMs = Date.now();
    const rtpTimestamp =
      (this.lastRtpTimestamp + Math.round(((nowMs - this.lastPtsAtMs) * 90_000) / 1000)) >>> 0;
    const seconds = BigInt(Math.floor(nowMs / 1000) + ntpEpochOffsetSeconds);
    const fraction = BigInt(Math.floor(((nowMs % 1000) / 1000) * 0x1_0000_0000));
    const report = new RtcpSrPacket({
      ssrc: this.options.target.ssrc,
      senderInfo: new RtcpSenderInfo({
        ntpTimestamp: (seconds << 32n) | fraction,
        rtpTimestamp,
        packetCount: this.packetCount >>> 0,
        octetCount: this.octetCount >>> 0,
      }),
    });
    this.transmit(this.srtcp.encrypt(report.serialize()));
  }

  private transmit(datagram: Buffer): void {
    const { address, port } = this.options.target;
    this.options.socket.send(datagram, port, address, (error) => {
      if (error && !this.closed)
        this.options.logger.debug(`send to ${address}:${port} failed: ${error.message}`);
    });
  }
}
