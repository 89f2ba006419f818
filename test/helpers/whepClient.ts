import { RTCPeerConnection, dePacketizeRtpPackets, type RTCRtpTransceiver, type RtpPacket } from 'werift';
import { h264Codecs, iceOptionsForHost, viewerPeerConfig } from '../../src/core/webrtc/peerConfig';
import { RtpSequenceCounter } from './rtpSequenceCounter';
import { withoutDefaultStun } from '../../src/core/webrtc/noDefaultStun';

/** One H.264 access unit as received and reassembled from RTP. */
export interface ReceivedAccessUnit {
  /** Annex-B. */
  data: Buffer;
  keyframe: boolean;
  /** RTP timestamp (90 kHz). */
  timestamp: number;
  /** `Date.now()` when its last packet arrived. */
  receivedAt: number;
}

export interface WhepClientOptions {
  token?: string;
  /** Keep every access unit in `units` (default); a load test only counts. */
  keepUnits?: boolean;
}

/** What a viewer received, counted as it arrived. */
export interface WhepClientCounters {
  packets: number;
  /** RTP packets that never arrived (RFC 3550 A.1; late and duplicate packets are not losses). */
  lostPackets: number;
  /** Access units reassembled whole. */
  frames: number;
  /** Access units dropped for a lost packet. */
  brokenFrames: number;
  /** `Date.now()` when the first whole keyframe arrived (0 until then). */
  firstKeyframeAt: number;
  /** The longest wait between two whole frames since the first keyframe, in ms. */
  maxFrameGapMs: number;
}

/**
 * A WHEP viewer for tests, made with werift on loopback: POSTs a recvonly offer, reassembles the
 * RTP it receives into access units (a frame with a lost packet is dropped, as a decoder would
 * have to), and DELETEs its session on close().
 */
export class WhepClient {
  readonly units: ReceivedAccessUnit[] = [];
  readonly counters: WhepClientCounters = {
    packets: 0,
    lostPackets: 0,
    frames: 0,
    brokenFrames: 0,
    firstKeyframeAt: 0,
    maxFrameGapMs: 0,
  };
  private lastFrameAt = 0;
  /** When the answer was applied. */
  answeredAt = 0;
  sessionUrl = '';
  private readonly pc: RTCPeerConnection;
  private readonly transceiver: RTCRtpTransceiver;
  private mediaSsrc = 0;
  private pending: RtpPacket[] = [];
  private lostInFrame = false;
  private readonly sequence = new RtpSequenceCounter();
  private closed = false;

  private constructor(
    private readonly endpoint: string,
    private readonly options: WhepClientOptions,
  ) {
    // The same loopback-only ICE as the server's (tests may use nothing but loopback).
    this.pc = new RTCPeerConnection({
      ...viewerPeerConfig(iceOptionsForHost('127.0.0.1', [])),
      codecs: { video: h264Codecs() },
    });
    this.transceiver = this.pc.addTransceiver('video', { direction: 'recvonly' });
    withoutDefaultStun(this.pc);
  }

  /** Sends a Picture Loss Indication (RFC 4585 §6.3.1), as a browser does when it lost the picture. */
  async sendPictureLoss(): Promise<void> {
    await this.transceiver.receiver.sendRtcpPLI(this.mediaSsrc);
  }

  /** Negotiates with `endpoint` (…/whep); throws with the status and reason when refused. */
  static async connect(endpoint: string, options: WhepClientOptions = {}): Promise<WhepClient> {
    const client = new WhepClient(endpoint, options);
    try {
      await client.negotiate();
    } catch (error) {
      await client.close();
      throw error;
    }
    return client;
  }

  get connectionState(): string {
    return this.pc.connectionState;
  }

  /** Annex-B of every unit from the first keyframe on, for a decoder. */
  annexB(): Buffer {
    const first = this.units.findIndex((u) => u.keyframe);
    return Buffer.concat(first < 0 ? [] : this.units.slice(first).map((u) => u.data));
  }

  /** Drops the peer without a WHEP DELETE, as a crashed tab or a lost network would. */
  async vanish(): Promise<void> {
    this.closed = true;
    await this.pc.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.sessionUrl) {
      await fetch(this.sessionUrl, { method: 'DELETE', headers: this.headers() }).catch(() => undefined);
    }
    await this.pc.close().catch(() => undefined);
  }

  private async negotiate(): Promise<void> {
    this.transceiver.onTrack.subscribe((track) => {
      track.onReceiveRtp.subscribe((packet) => this.onRtp(packet));
    });
    await this.pc.setLocalDescription(await this.pc.createOffer());
    const response = await fetch(this.endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/sdp', ...this.headers() },
      body: this.pc.localDescription?.sdp ?? '',
    });
    const body = await response.text();
    if (response.status !== 201) throw new Error(`WHEP POST answered ${response.status}: ${body}`);
    this.sessionUrl = new URL(response.headers.get('location') ?? '', this.endpoint).href;
    await this.pc.setRemoteDescription({ type: 'answer', sdp: body });
    this.answeredAt = Date.now();
  }

  private onRtp(packet: RtpPacket): void {
    const { sequenceNumber, timestamp, marker, ssrc } = packet.header;
    this.mediaSsrc = ssrc;
    this.counters.packets++;
    const verdict = this.sequence.update(sequenceNumber);
    this.counters.lostPackets = this.sequence.lost;
    // Reassembly is in arrival order: any step but the next packet breaks the frame being built.
    if (verdict !== 'first' && verdict !== 'next') this.lostInFrame = true;
    if (this.pending.length > 0 && this.pending[0].header.timestamp !== timestamp) {
      // A new timestamp without the previous frame's marker: that frame lost its tail.
      this.pending = [];
      this.lostInFrame = true;
    }
    this.pending.push(packet.clone());
    if (!marker) return;
    const packets = this.pending;
    this.pending = [];
    const lost = this.lostInFrame;
    this.lostInFrame = false;
    if (lost) {
      this.counters.brokenFrames++;
      return;
    }
    const frame = dePacketizeRtpPackets('MPEG4/ISO/AVC', packets);
    this.counters.frames++;
    const now = Date.now();
    if (this.counters.firstKeyframeAt > 0) {
      this.counters.maxFrameGapMs = Math.max(this.counters.maxFrameGapMs, now - this.lastFrameAt);
    }
    this.lastFrameAt = now;
    if (frame.isKeyframe && this.counters.firstKeyframeAt === 0) this.counters.firstKeyframeAt = Date.now();
    if (this.options.keepUnits === false) return;
    this.units.push({ data: frame.data, keyframe: frame.isKeyframe, timestamp, receivedAt: Date.now() });
  }

  private headers(): Record<string, string> {
    return this.options.token ? { Authorization: `Bearer ${this.options.token}` } : {};
  }
}
