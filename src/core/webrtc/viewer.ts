import {
  RTCPeerConnection,
  RtcpPayloadSpecificFeedback,
  type RTCRtpTransceiver,
  type RtcpPacket,
} from 'werift';
import { EnhancedEventEmitter } from '../enhancedEvents';
import type { Logger } from '../logger';
import type { FanoutSink, PacketizedAccessUnit } from './h264Fanout';
import { KeyframeThrottle } from './keyframeThrottle';
import { checkOfferShape, withoutMdnsCandidates } from './offerChecks';
import { viewerPeerConfig, type IceOptions } from './peerConfig';
import { withoutDefaultStun } from './noDefaultStun';
import { guardPeerTransport, type DropCounters } from './peerTransportGuard';
import { bindFailureSince } from './udpSocketGuard';
import { ResourceExhaustedError, SdpError } from './webrtcErrors';

/**
 * `connecting`: answered, ICE/DTLS not up yet. `waitingkeyframe`: connected, holding back delta
 * frames a decoder could not use. `live`: sending every access unit. `closed`: gone for good.
 */
export type ViewerState = 'connecting' | 'waitingkeyframe' | 'live' | 'closed';

export interface ViewerStats {
  id: string;
  state: ViewerState;
  /** Epoch ms of the answer. */
  since: number;
  /** SRTP bytes werift sent in the last full second, ×8: 0 when the sender has stopped. */
  bitrate: number;
  /** SRTP bytes sent (what left the socket, not what was handed to the sender). */
  bytesSent: number;
  framesSent: number;
  /** Keyframes this viewer asked for: on joining, and each PLI or FIR its browser sent. */
  keyframeRequests: number;
  /** Datagrams kept from werift: from another address, unknown DTLS records, forged alerts. */
  droppedDatagrams: number;
}

export interface ViewerEvents extends Record<string, unknown[]> {
  /** The viewer needs an IDR (joined, or its decoder lost the picture). */
  keyframeneeded: [];
  /** Closed, with why; emitted once. */
  close: [reason: string];
}

export interface ViewerOptions {
  id: string;
  ice: IceOptions;
  logger: Logger;
  /** A peer that has not connected this long after the answer is dropped. Default 15000. */
  connectTimeoutMs?: number;
  /**
   * A connected peer that stays ICE-`disconnected`, or sends no RTCP at all, this long is dropped.
   * Receivers report about once a second (RFC 3550 §6.2), so silence means a closed tab or a lost
   * network; ICE consent (RFC 7675) would take 30 s to say the same. Default 5000.
   */
  disconnectTimeoutMs?: number;
}

/** RTCP payload-specific feedback formats (RFC 4585 §6.3.1 PLI, RFC 5104 §4.3.1 FIR). */
const pliFormat = 1;
const firFormat = 4;
/** While waiting for an IDR, ask again this often in case a request was lost in a re-layout. */
const keyframeRetryMs = 500;
/** A viewer's keyframe requests reach the encoder at most this often (PLI floods, retries). */
const viewerKeyframeIntervalMs = 500;

/** One browser watching the mosaic: a werift peer with one sendonly H.264 track. */
export class Viewer extends EnhancedEventEmitter<ViewerEvents> implements FanoutSink {
  readonly id: string;
  readonly answerSdp: string;
  private currentState: ViewerState = 'connecting';
  private readonly since = Date.now();
  private readonly logger: Logger;
  private readonly unsubscribers: (() => void)[] = [];
  private connectTimer: NodeJS.Timeout | undefined;
  private disconnectTimer: NodeJS.Timeout | undefined;
  private silenceTimer: NodeJS.Timeout | undefined;
  private lastRtcpAt = 0;
  private closing: Promise<void> | undefined;
  private lastKeyframeRequestAt = 0;
  private readonly counters = { framesSent: 0, keyframeRequests: 0, sendErrors: 0 };
  private readonly bitrateWindow = { startedAt: Date.now(), startBytes: 0, bitrate: 0 };
  private readonly keyframes = new KeyframeThrottle(
    () => this.safeEmit('keyframeneeded'),
    viewerKeyframeIntervalMs,
  );

  private constructor(
    private readonly pc: RTCPeerConnection,
    private readonly transceiver: RTCRtpTransceiver,
    answerSdp: string,
    private readonly dropped: DropCounters,
    private readonly options: ViewerOptions,
  ) {
    super();
    this.id = options.id;
    this.answerSdp = answerSdp;
    this.logger = options.logger;
    this.watchConnection();
    this.watchSender();
    this.watchFeedback();
    this.connectTimer = setTimeout(
      () => void this.close('ICE/DTLS did not connect in time'),
      options.connectTimeoutMs ?? 15_000,
    );
  }

  /**
   * Answers a WHEP offer: a peer with a sendonly H.264 track, ICE gathered before the answer
   * (WHEP has no trickle from our side). Throws SdpError when the offer cannot be answered.
   */
  static async answer(offerSdp: string, options: ViewerOptions): Promise<Viewer> {
    checkOfferShape(offerSdp);
    const startedAt = Date.now();
    const pc = new RTCPeerConnection(viewerPeerConfig(options.ice));
    try {
      const transceiver = pc.addTransceiver('video', { direction: 'sendonly' });
      withoutDefaultStun(pc);
      // Whatever werift refuses while taking the offer apart is the offer's fault: a 400, not a 500.
      await negotiate(pc, withoutMdnsCandidates(offerSdp));
      if (transceiver.mid === null || transceiver.rejected || transceiver.pendingRejection) {
        throw new SdpError(
          'the offer has no H.264 video with packetization-mode=1 (profile-level-id 42e01f or 42001f)',
        );
      }
      if (transceiver.currentDirection !== 'sendonly' && transceiver.currentDirection !== 'sendrecv') {
        throw new SdpError('the offer does not receive video (its video section must be recvonly)');
      }
      const answerSdp = pc.localDescription?.sdp;
      if (!answerSdp) throw new SdpError('no answer could be made for the offer');
      if (!answerSdp.includes('a=candidate:')) throw noCandidateError(startedAt);
      return new Viewer(pc, transceiver, answerSdp, guardPeerTransport(pc), options);
    } catch (error) {
      await pc.close().catch(() => undefined);
      throw error;
    }
  }

  get state(): ViewerState {
    return this.currentState;
  }

  /** Epoch ms of the answer. */
  get answeredAt(): number {
    return this.since;
  }

  /** Sends one shared access unit; delta frames wait until this viewer has had an IDR. */
  deliver(unit: PacketizedAccessUnit): void {
    if (this.currentState === 'waitingkeyframe') {
      if (!unit.keyframe) {
        if (Date.now() - this.lastKeyframeRequestAt >= keyframeRetryMs) this.askForKeyframe();
        return;
      }
      this.currentState = 'live';
      this.logger.debug(`viewer ${this.id}: live ${Date.now() - this.since} ms after the answer`);
    } else if (this.currentState !== 'live') {
      return;
    }
    const sender = this.transceiver.sender;
    if (sender.dtlsTransport.state !== 'connected') {
      // werift's sender drops every packet from here on: free the seat rather than pretend.
      void this.close(`the sender stopped (DTLS ${sender.dtlsTransport.state})`);
      return;
    }
    for (const packet of unit.packets) {
      sender.sendRtp(packet).catch(() => this.counters.sendErrors++);
    }
    this.counters.framesSent++;
    this.countBitrate();
  }

  stats(): ViewerStats {
    const now = Date.now();
    // A viewer that stopped receiving (waiting, or the stream paused) has no bitrate.
    const stale = now - this.bitrateWindow.startedAt > 2000;
    return {
      id: this.id,
      state: this.currentState,
      since: this.since,
      bitrate: stale ? 0 : this.bitrateWindow.bitrate,
      bytesSent: this.srtpBytesSent(),
      framesSent: this.counters.framesSent,
      keyframeRequests: this.counters.keyframeRequests,
      droppedDatagrams: Object.values(this.dropped).reduce((sum, n) => sum + n, 0),
    };
  }

  /** Ends the peer and its timers; resolves when werift has closed its sockets. Idempotent. */
  close(reason = 'closed'): Promise<void> {
    if (this.closing) return this.closing;
    this.currentState = 'closed';
    clearTimeout(this.connectTimer);
    clearTimeout(this.disconnectTimer);
    clearInterval(this.silenceTimer);
    this.keyframes.close();
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
    this.closing = this.pc
      .close()
      .catch((error: unknown) =>
        this.logger.warn(`viewer ${this.id}: closing the peer failed: ${String(error)}`),
      )
      .then(() => {
        const dropped = Object.entries(this.dropped).filter(([, n]) => n > 0);
        const note =
          dropped.length > 0 ? `; dropped datagrams: ${dropped.map(([k, n]) => `${k} ${n}`).join(', ')}` : '';
        this.logger.info(`viewer ${this.id}: closed (${reason})${note}`);
        this.safeEmit('close', reason);
      });
    return this.closing;
  }

  protected override onListenerError(event: string, error: unknown): void {
    this.logger.error(`viewer ${this.id}: a "${event}" listener threw: ${String(error)}`);
  }

  private watchConnection(): void {
    const { unSubscribe } = this.pc.connectionStateChange.subscribe((state) => {
      if (this.currentState === 'closed') return;
      switch (state) {
        case 'connected':
          clearTimeout(this.connectTimer);
          clearTimeout(this.disconnectTimer);
          if (this.currentState === 'connecting') {
            this.currentState = 'waitingkeyframe';
            this.askForKeyframe();
            this.watchSilence();
          }
          break;
        case 'disconnected':
          // Consent freshness can lapse for a moment on a busy network; give it time to return.
          clearTimeout(this.disconnectTimer);
          this.disconnectTimer = setTimeout(
            () => void this.close('disconnected'),
            this.options.disconnectTimeoutMs ?? 5000,
          );
          break;
        case 'failed':
          void this.close('ICE or DTLS failed');
          break;
        case 'closed':
          void this.close('peer closed');
          break;
        default:
          break;
      }
    });
    this.unsubscribers.push(unSubscribe);
  }

  /** DTLS can end without ICE noticing (an authenticated alert): the sender is dead from then on. */
  private watchSender(): void {
    const dtls = this.transceiver.sender.dtlsTransport;
    const { unSubscribe } = dtls.onStateChange.subscribe((state) => {
      if (state === 'closed' || state === 'failed') void this.close(`the sender stopped (DTLS ${state})`);
    });
    this.unsubscribers.push(unSubscribe);
  }

  private watchSilence(): void {
    const limitMs = this.options.disconnectTimeoutMs ?? 5000;
    const periodMs = Math.min(1000, limitMs);
    this.lastRtcpAt = Date.now();
    let lastCheckAt = this.lastRtcpAt;
    this.silenceTimer = setInterval(() => {
      const now = Date.now();
      // A check that comes late means the event loop was stalled (a long GC, an overloaded
      // machine): the peer's reports may be waiting unread in the socket, and the timers run
      // before the sockets are read. The stall is not the peer's silence, or every viewer would
      // be dropped at once after it.
      const lateMs = now - lastCheckAt - periodMs;
      if (lateMs > 0) this.lastRtcpAt += lateMs;
      lastCheckAt = now;
      if (now - this.lastRtcpAt > limitMs) void this.close(`no RTCP for ${limitMs} ms`);
    }, periodMs);
  }

  private watchFeedback(): void {
    const { unSubscribe } = this.transceiver.sender.onRtcp.subscribe((packet: RtcpPacket) => {
      this.lastRtcpAt = Date.now();
      if (packet.type !== RtcpPayloadSpecificFeedback.type) return;
      const format = packet.feedback.count;
      if (format === pliFormat || format === firFormat) this.askForKeyframe();
    });
    this.unsubscribers.push(unSubscribe);
  }

  private askForKeyframe(): void {
    this.lastKeyframeRequestAt = Date.now();
    this.counters.keyframeRequests++;
    this.keyframes.request();
  }

  private srtpBytesSent(): number {
    return this.transceiver.sender.dtlsTransport.bytesSent;
  }

  private countBitrate(): void {
    const now = Date.now();
    const window = this.bitrateWindow;
    const elapsedMs = now - window.startedAt;
    if (elapsedMs >= 1000) {
      const bytes = this.srtpBytesSent();
      window.bitrate = Math.round(((bytes - window.startBytes) * 8 * 1000) / elapsedMs);
      window.startBytes = bytes;
      window.startedAt = now;
    }
  }
}

async function negotiate(pc: RTCPeerConnection, offerSdp: string): Promise<void> {
  try {
    await pc.setRemoteDescription({ type: 'offer', sdp: offerSdp });
    await pc.setLocalDescription(await pc.createAnswer());
  } catch (error) {
    throw new SdpError(`cannot answer the offer: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** werift gathered no candidate: every UDP bind failed, most likely for want of descriptors. */
function noCandidateError(sinceMs: number): Error {
  const code = bindFailureSince(sinceMs);
  return new ResourceExhaustedError(
    code ? `no UDP socket for a viewer (${code})` : 'no ICE candidate could be gathered for a viewer',
  );
}
