import { createSocket, type Socket } from 'node:dgram';
import type {
  CameraController,
  CameraStreamingDelegate,
  HAP,
  PrepareStreamCallback,
  PrepareStreamRequest,
  ReconfigureStreamRequest,
  SnapshotRequest,
  SnapshotRequestCallback,
  StartStreamRequest,
  StreamingRequest,
  StreamRequestCallback,
} from 'homebridge';
import type { Logger } from '../core/logger';
import type { Rendition } from '../core/stitcher/rendition';
import type { Stitcher } from '../core/stitcher/stitcher';
import { SrtpSender } from './srtpSender';

/** HomeKit's own list (what Apple's cameras offer): 1080p down to the hub's small sizes. */
const resolutions: [number, number, number][] = [
  [1920, 1080, 30],
  [1280, 960, 30],
  [1280, 720, 30],
  [1024, 768, 30],
  [640, 480, 30],
  [640, 360, 30],
  [480, 360, 30],
  [480, 270, 30],
  [320, 240, 30],
  [320, 240, 15], // Apple Watch
  [320, 180, 30],
  [320, 180, 15],
];

/** H264Profile as HAP numbers it (0 baseline, 1 main, 2 high) → the encoder's name. */
const profileNames = ['baseline', 'main', 'high'] as const;

/** Lowest bitrate the rendition schema accepts; HomeKit never asks for less in practice. */
const minimumBitrate = 20_000;

export interface StreamingDelegateOptions {
  /** Streams served at once (HomeKit's cameraStreamCount); default 2. */
  streamCount?: number;
  /** A stream whose controller sent no RTCP for this long is stopped; default 10 s. */
  inactivityTimeoutMs?: number;
}

/** SetupEndpoints answered, waiting for the controller's start. */
interface PendingSession {
  socket: Socket;
  address: string;
  port: number;
  srtpKey: Buffer;
  srtpSalt: Buffer;
  ssrc: number;
  expiry: NodeJS.Timeout;
}

/** What a start or reconfigure asks of the picture (max_bit_rate in kbit/s, as HAP gives it). */
interface RequestedVideo {
  width: number;
  height: number;
  fps: number;
  max_bit_rate: number;
}

/** A stream on the wire. */
interface OngoingSession {
  sender: SrtpSender;
  rendition: Rendition;
}

/**
 * HomeKit's camera delegate: snapshots straight from the stitcher's canvas, and each stream a
 * rendition of the mosaic at the size, rate and bitrate the controller chose, sent over SRTP.
 * Renditions with the same settings share one encoder natively.
 */
export class StreamingDelegate implements CameraStreamingDelegate {
  readonly controller: CameraController;
  private readonly pendingSessions = new Map<string, PendingSession>();
  private readonly ongoingSessions = new Map<string, OngoingSession>();
  private readonly inactivityTimeoutMs: number;

  constructor(
    hap: HAP,
    private readonly stitcher: Stitcher,
    private readonly logger: Logger,
    options: StreamingDelegateOptions = {},
  ) {
    this.inactivityTimeoutMs = options.inactivityTimeoutMs ?? 10_000;
    this.controller = new hap.CameraController({
      cameraStreamCount: options.streamCount ?? 2,
      delegate: this,
      streamingOptions: {
        supportedCryptoSuites: [hap.SRTPCryptoSuites.AES_CM_128_HMAC_SHA1_80],
        video: {
          resolutions,
          codec: {
            profiles: [hap.H264Profile.BASELINE, hap.H264Profile.MAIN, hap.H264Profile.HIGH],
            levels: [hap.H264Level.LEVEL3_1, hap.H264Level.LEVEL3_2, hap.H264Level.LEVEL4_0],
          },
        },
        // No `audio`: HAP-NodeJS then advertises a placeholder codec, which iOS needs before it
        // will play video; we never send audio packets.
      },
    });
  }

  handleSnapshotRequest(request: SnapshotRequest, callback: SnapshotRequestCallback): void {
    const size = { width: evenAtLeast(request.width, 16), height: evenAtLeast(request.height, 16) };
    this.stitcher.snapshot({ ...size, quality: 80 }).then(
      (jpeg) => callback(undefined, jpeg),
      (error: unknown) => {
        this.logger.warn(`snapshot ${size.width}x${size.height} failed: ${messageOf(error)}`);
        callback(error instanceof Error ? error : new Error(messageOf(error)));
      },
    );
  }

  prepareStream(request: PrepareStreamRequest, callback: PrepareStreamCallback): void {
    const socket = createSocket(request.addressVersion === 'ipv6' ? 'udp6' : 'udp4');
    const fail = (error: Error) => {
      socket.close();
      this.logger.error(`stream ${request.sessionID}: cannot open a UDP socket: ${error.message}`);
      callback(error);
    };
    socket.once('error', fail);
    socket.bind(0, () => {
      socket.off('error', fail);
      // Until the stream starts (and its sender takes over), an error must not go unheard: an
      // 'error' event without a listener would throw and end the bridge.
      socket.on('error', (error) =>
        this.logger.debug(`stream ${request.sessionID}: socket: ${error.message}`),
      );
      const ssrc = randomSsrc();
      const session: PendingSession = {
        socket,
        address: request.targetAddress,
        port: request.video.port,
        srtpKey: request.video.srtp_key,
        srtpSalt: request.video.srtp_salt,
        ssrc,
        // A controller that set up endpoints and never started leaves nothing behind.
        expiry: setTimeout(() => this.dropPending(request.sessionID), 30_000),
      };
      this.pendingSessions.set(request.sessionID, session);
      callback(undefined, {
        // HomeKit uses the controller's SRTP key in both directions.
        video: { port: socket.address().port, ssrc, srtp_key: session.srtpKey, srtp_salt: session.srtpSalt },
      });
    });
  }

  handleStreamRequest(request: StreamingRequest, callback: StreamRequestCallback): void {
    try {
      // `type` is a const enum in HAP-NodeJS; we import types only, so compare its string values.
      switch (request.type as string) {
        case 'start':
          this.startStream(request as StartStreamRequest);
          break;
        case 'reconfigure':
          this.reconfigureStream(request.sessionID, (request as ReconfigureStreamRequest).video);
          break;
        default:
          this.stopStream(request.sessionID);
      }
      callback();
    } catch (error) {
      this.logger.error(`stream ${request.sessionID}: ${request.type} failed: ${messageOf(error)}`);
      this.stopStream(request.sessionID);
      callback(error instanceof Error ? error : new Error(messageOf(error)));
    }
  }

  /** Number of streams on the wire. */
  get streamCount(): number {
    return this.ongoingSessions.size;
  }

  /** Ends every stream and pending session (Homebridge is shutting down). */
  close(): void {
    // `for…of` over the keys: `for…in` over a Map never runs (homebridge-camera-ffmpeg's bug).
    for (const sessionID of [...this.pendingSessions.keys(), ...this.ongoingSessions.keys()]) {
      this.stopStream(sessionID);
    }
  }

  private startStream(request: StartStreamRequest): void {
    const pending = this.pendingSessions.get(request.sessionID);
    if (!pending) throw new Error('no prepared session (SetupEndpoints first)');
    const { video } = request;
    const rendition = this.stitcher.openRendition(this.renditionRequest(video, video.profile));
    clearTimeout(pending.expiry);
    this.pendingSessions.delete(request.sessionID);
    const sender = new SrtpSender({
      socket: pending.socket,
      target: {
        address: pending.address,
        port: pending.port,
        srtpKey: pending.srtpKey,
        srtpSalt: pending.srtpSalt,
        ssrc: pending.ssrc,
        payloadType: video.pt,
        mtu: video.mtu,
      },
      rtcpIntervalMs: Math.max(500, video.rtcp_interval * 1000),
      inactivityTimeoutMs: this.inactivityTimeoutMs,
      logger: this.logger,
    });
    const session: OngoingSession = { sender, rendition };
    this.ongoingSessions.set(request.sessionID, session);
    this.attach(session, rendition);
    sender.on('keyframerequest', () => session.rendition.requestKeyframe());
    sender.on('inactive', () => {
      this.logger.warn(
        `stream ${request.sessionID}: HomeKit controller ${pending.address} sent nothing for ` +
          `${this.inactivityTimeoutMs / 1000} s; stream stopped`,
      );
      this.controller.forceStopStreamingSession(request.sessionID);
      this.stopStream(request.sessionID);
    });
    const { width, height, fps, bitrate, profile } = rendition.settings;
    this.logger.info(
      `stream ${request.sessionID}: ${width}x${height}@${fps} ${Math.round(bitrate / 1000)} kbit/s ` +
        `${profile} → ${pending.address}:${pending.port} (${this.encoderCount()})`,
    );
  }

  private reconfigureStream(sessionID: string, video: RequestedVideo): void {
    const session = this.ongoingSessions.get(sessionID);
    if (!session) throw new Error('no such stream');
    const profile = profileNames.indexOf(session.rendition.settings.profile as (typeof profileNames)[number]);
    const next = this.stitcher.openRendition(this.renditionRequest(video, Math.max(0, profile)));
    const previous = session.rendition;
    session.rendition = next;
    session.sender.restartOnKeyframe();
    this.attach(session, next);
    previous.close();
    const { width, height, fps, bitrate } = next.settings;
    this.logger.info(
      `stream ${sessionID}: now ${width}x${height}@${fps} ${Math.round(bitrate / 1000)} kbit/s`,
    );
  }

  /** For the log: streams with the same settings share one encoder. */
  private encoderCount(): string {
    const encoders = this.stitcher.stats().output.renditions;
    return `${this.ongoingSessions.size} stream(s) on ${encoders} HomeKit encoder(s)`;
  }

  private attach(session: OngoingSession, rendition: Rendition): void {
    rendition.on('accessunit', (unit) => {
      if (session.rendition === rendition) session.sender.send(unit);
    });
  }

  private stopStream(sessionID: string): void {
    this.dropPending(sessionID);
    const session = this.ongoingSessions.get(sessionID);
    if (!session) return;
    this.ongoingSessions.delete(sessionID);
    session.rendition.close();
    session.sender.close();
    this.logger.info(`stream ${sessionID}: stopped`);
  }

  private dropPending(sessionID: string): void {
    const pending = this.pendingSessions.get(sessionID);
    if (!pending) return;
    this.pendingSessions.delete(sessionID);
    clearTimeout(pending.expiry);
    pending.socket.close();
  }

  private renditionRequest(video: RequestedVideo, profile: number): Record<string, unknown> {
    return {
      width: evenAtLeast(video.width, 16),
      height: evenAtLeast(video.height, 16),
      fps: Math.max(1, Math.min(60, video.fps)),
      // HAP gives kbit/s.
      bitrate: Math.max(minimumBitrate, video.max_bit_rate * 1000),
      profile: profileNames[profile] ?? 'baseline',
    };
  }
}

/** x264 and 4:2:0 need even sizes; HomeKit's are, but a hub's odd request must not fail. */
function evenAtLeast(value: number, minimum: number): number {
  return Math.max(minimum, Math.round(value / 2) * 2);
}

function randomSsrc(): number {
  return (Math.random() * 0x1_0000_0000) >>> 0;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
