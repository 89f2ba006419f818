import type { FanoutSink, PacketizedAccessUnit } from '../webrtc/h264Fanout';
import { senderReport } from './rtcpSenderReport';
import type { RtpOutput } from './rtpOutput';
import type { RtspStream } from './rtspStream';

/** RTP's fixed header (RFC 3550 §5.1); our packets carry no CSRC or extension. */
const rtpHeaderBytes = 12;

export interface RtspSessionOptions {
  id: string;
  stream: RtspStream;
  output: RtpOutput;
  transport: 'tcp' | 'udp';
  remoteAddress: string;
  /** TCP: the interleaved channels, RTP then RTCP. */
  channels?: readonly [number, number];
  /** UDP: the client's ports, RTP then RTCP. */
  clientPorts?: readonly [number, number];
  /** Queued bytes past which the client skips to the next keyframe. */
  maxBufferedBytes: number;
  /** How long a client may stay past that bound before it is dropped. */
  stallDropMs: number;
  /** The client stayed congested `stallDropMs`: its owner ends it. */
  onStalled: (session: RtspSession) => void;
}

/**
 * One client's session on one stream, from SETUP to TEARDOWN: receives the stream's shared
 * packets while playing, starts on a keyframe, and never queues without bound: past
 * `maxBufferedBytes` it skips everything up to the next keyframe once its queue has drained,
 * and after `stallDropMs` of that it is dropped.
 */
export class RtspSession implements FanoutSink {
  readonly id: string;
  readonly stream: RtspStream;
  readonly transport: 'tcp' | 'udp';
  readonly remoteAddress: string;
  readonly channels: readonly [number, number] | undefined;
  readonly clientPorts: readonly [number, number] | undefined;
  /** Last request or RTCP packet from the client (UDP sessions time out from here). */
  lastSeenAt = Date.now();
  bytesSent = 0;
  packetsSent = 0;
  /** Times the client fell behind and skipped to the next keyframe. */
  skippedToKeyframe = 0;
  private payloadBytes = 0;
  private playingNow = false;
  private waitingForKeyframe = true;
  private congestedSince: number | undefined;
  private closed = false;
  private readonly output: RtpOutput;
  private readonly options: RtspSessionOptions;

  constructor(options: RtspSessionOptions) {
    this.id = options.id;
    this.stream = options.stream;
    this.transport = options.transport;
    this.remoteAddress = options.remoteAddress;
    this.channels = options.channels;
    this.clientPorts = options.clientPorts;
    this.output = options.output;
    this.options = options;
  }

  get playing(): boolean {
    return this.playingNow;
  }

  /** Starts (or resumes) delivery at the next keyframe, which is asked for at once. */
  play(): void {
    if (this.closed || this.playingNow) return;
    this.playingNow = true;
    this.waitingForKeyframe = true;
    this.stream.attach(this);
  }

  pause(): void {
    if (!this.playingNow) return;
    this.playingNow = false;
    this.stream.detach(this);
  }

  /** Idempotent. */
  close(): void {
    if (this.closed) return;
    this.pause();
    this.closed = true;
    this.stream.retire(this);
  }

  deliver(unit: PacketizedAccessUnit): void {
    if (!this.playingNow) return;
    if (this.output.bufferedBytes > this.options.maxBufferedBytes) {
      const now = Date.now();
      if (this.congestedSince === undefined) this.congestedSince = now;
      if (!this.waitingForKeyframe) {
        this.waitingForKeyframe = true;
        this.skippedToKeyframe++;
      }
      if (now - this.congestedSince > this.options.stallDropMs) this.options.onStalled(this);
      return;
    }
    this.congestedSince = undefined;
    if (this.waitingForKeyframe) {
      if (!unit.keyframe) return;
      this.waitingForKeyframe = false;
    }
    this.output.sendUnit(unit);
    this.bytesSent += unit.bytes;
    this.packetsSent += unit.packets.length;
    this.payloadBytes += unit.bytes - rtpHeaderBytes * unit.packets.length;
  }

  /** An RTCP sender report, once anything was sent (RFC 3550 §6.4.1). */
  sendReport(nowMs: number): void {
    if (!this.playingNow || this.packetsSent === 0) return;
    const clock = this.stream.rtpClock(nowMs);
    if (clock === undefined) return;
    this.output.sendRtcp(
      senderReport({
        ssrc: clock.ssrc,
        nowMs,
        rtpTimestamp: clock.rtpTimestamp,
        packetCount: this.packetsSent,
        octetCount: this.payloadBytes,
      }),
    );
  }
}
