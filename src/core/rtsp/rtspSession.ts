import type { FanoutSink, PacketizedAccessUnit } from '../webrtc/h264Fanout';
import { senderReport } from './rtcpSenderReport';
import { rtpStartOf, type RtpStart } from './rtpInfo';
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
  /** The URL the client set the track up with (SETUP's Request-URI), for RTP-Info. */
  trackUrl: string;
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
 *
 * PLAY is answered once that first keyframe is here: the stream numbers its packets for every
 * client at once, so only then are the sequence number and timestamp the client starts on
 * known, and RTP-Info can state them. The keyframe is held until the answer is written.
 */
export class RtspSession implements FanoutSink {
  readonly id: string;
  readonly stream: RtspStream;
  readonly transport: 'tcp' | 'udp';
  readonly remoteAddress: string;
  readonly trackUrl: string;
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
  /** A PLAY waiting for the keyframe its answer describes. */
  private starting: { resolve: (start: RtpStart | undefined) => void; timer: NodeJS.Timeout } | undefined;
  /** Units that came while that answer was being written; they follow it. */
  private held: PacketizedAccessUnit[] | undefined;
  private heldBytes = 0;
  private closed = false;
  private readonly output: RtpOutput;
  private readonly options: RtspSessionOptions;

  constructor(options: RtspSessionOptions) {
    this.id = options.id;
    this.stream = options.stream;
    this.transport = options.transport;
    this.remoteAddress = options.remoteAddress;
    this.trackUrl = options.trackUrl;
    this.channels = options.channels;
    this.clientPorts = options.clientPorts;
    this.output = options.output;
    this.options = options;
  }

  get playing(): boolean {
    return this.playingNow;
  }

  /**
   * Starts (or resumes) delivery at the next keyframe, which is asked for at once. Resolves with
   * where that keyframe's packets start, holding them until `release()` (after the PLAY answer);
   * undefined when none came within `timeoutMs` (delivery still starts at the next one), or
   * when the session was already playing or ends meanwhile.
   */
  play(timeoutMs: number): Promise<RtpStart | undefined> {
    if (this.closed || this.playingNow) return Promise.resolve(undefined);
    this.playingNow = true;
    this.waitingForKeyframe = true;
    const started = new Promise<RtpStart | undefined>((resolve) => {
      const timer = setTimeout(() => this.settleStart(undefined), timeoutMs);
      this.starting = { resolve, timer };
    });
    this.stream.attach(this);
    return started;
  }

  /** The PLAY answer is written: what was held goes out, and every unit from now on as it comes. */
  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    this.heldBytes = 0;
    for (const unit of held) this.send(unit);
  }

  pause(): void {
    if (!this.playingNow) return;
    this.playingNow = false;
    this.settleStart(undefined);
    this.held = undefined;
    this.heldBytes = 0;
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
    if (this.held !== undefined) {
      this.hold(unit);
      return;
    }
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
      if (this.starting !== undefined) {
        this.held = [];
        this.hold(unit);
        this.settleStart(rtpStartOf(unit));
        return;
      }
    }
    this.send(unit);
  }

  /** An RTCP sender report, once anything was sent (RFC 3550 §6.4.1), under the packets' SSRC. */
  sendReport(nowMs: number): void {
    if (!this.playingNow || this.packetsSent === 0) return;
    const rtpTimestamp = this.stream.rtpTimestampAt(nowMs);
    if (rtpTimestamp === undefined) return;
    this.output.sendRtcp(
      senderReport({
        ssrc: this.stream.ssrc,
        nowMs,
        rtpTimestamp,
        packetCount: this.packetsSent,
        octetCount: this.payloadBytes,
      }),
    );
  }

  private send(unit: PacketizedAccessUnit): void {
    this.output.sendUnit(unit);
    this.bytesSent += unit.bytes;
    this.packetsSent += unit.packets.length;
    this.payloadBytes += unit.bytes - rtpHeaderBytes * unit.packets.length;
  }

  /**
   * Keeps a unit back until the PLAY answer is out: in practice the keyframe alone, since the
   * answer is written in the same turn of the event loop. Units past `maxBufferedBytes` behind
   * it (an answer that is never written: the connection is going) are all dropped and the
   * client waits for the next keyframe, as a congested one does.
   */
  private hold(unit: PacketizedAccessUnit): void {
    if (this.held === undefined) return;
    if (this.held.length === 0 || this.heldBytes + unit.bytes <= this.options.maxBufferedBytes) {
      this.held.push(unit);
      this.heldBytes += unit.bytes;
      return;
    }
    this.held = undefined;
    this.heldBytes = 0;
    this.waitingForKeyframe = true;
  }

  private settleStart(start: RtpStart | undefined): void {
    const starting = this.starting;
    if (starting === undefined) return;
    this.starting = undefined;
    clearTimeout(starting.timer);
    starting.resolve(start);
  }
}
