import { H264Packetizer } from 'werift';

/** One access unit as RTP, made once and shared read-only by every viewer. */
export interface PacketizedAccessUnit {
  /**
   * Serialized RTP packets (RFC 6184: single NAL, STAP-A, FU-A). Buffers, not packet objects:
   * werift's sender rewrites SSRC, payload type and sequence number of the header it is given, so
   * every viewer must parse its own header out of these bytes, which nobody ever writes to.
   */
  packets: readonly Buffer[];
  /** An IDR with SPS and PPS: a viewer may start here. */
  keyframe: boolean;
  /** Sum of the packets' sizes, for per-viewer bitrates. */
  bytes: number;
}

/** Whatever receives the shared packets (a viewer). */
export interface FanoutSink {
  deliver(unit: PacketizedAccessUnit): void;
}

/** What the fan-out needs of an encoded access unit (the Stitcher's `accessunit` payload). */
export interface EncodedAccessUnit {
  data: Buffer;
  /** 90 kHz ticks. */
  pts: number;
  keyframe: boolean;
}

/** Payload size that leaves room for SRTP, header extensions and a VPN in a 1500-byte MTU. */
const maxRtpPayloadBytes = 1200;

/**
 * Packetizes each access unit once and hands the same packets to every viewer, so the cost of a
 * viewer is its SRTP encryption alone (docs/ARCHITECTURE.md, "Why it is fast").
 */
export class H264Fanout {
  private readonly packetizer: H264Packetizer;
  private readonly sinks = new Set<FanoutSink>();

  /**
   * `ssrc` goes into every packet (default 0): WebRTC senders rewrite it per viewer, while the
   * RTSP server's clients receive these bytes as they are.
   */
  constructor(options: { ssrc?: number } = {}) {
    this.packetizer = new H264Packetizer({
      maxPayloadSize: maxRtpPayloadBytes,
      inputFormat: 'annexb',
      ssrc: options.ssrc ?? 0,
    });
  }

  get size(): number {
    return this.sinks.size;
  }

  add(sink: FanoutSink): void {
    this.sinks.add(sink);
  }

  delete(sink: FanoutSink): void {
    this.sinks.delete(sink);
  }

  /** Packetizes `unit` (only when someone listens) and delivers it to every sink. */
  push(unit: EncodedAccessUnit): void {
    if (this.sinks.size === 0) return;
    // RTP timestamps are 32-bit and wrap (RFC 3550 §5.1); `>>> 0` is modulo 2^32 for any safe integer.
    const packets = this.packetizer
      .packetize(unit.data, unit.pts >>> 0, { isKeyframe: unit.keyframe })
      .map((packet) => packet.serialize());
    const shared: PacketizedAccessUnit = {
      packets,
      keyframe: unit.keyframe,
      bytes: packets.reduce((sum, p) => sum + p.length, 0),
    };
    for (const sink of this.sinks) sink.deliver(shared);
  }
}
