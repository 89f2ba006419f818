import { randomUUID } from 'node:crypto';
import { EnhancedEventEmitter } from '../enhancedEvents';
import type { Logger } from '../logger';
import { H264Fanout, type EncodedAccessUnit } from './h264Fanout';
import { KeyframeThrottle } from './keyframeThrottle';
import type { IceOptions } from './peerConfig';
import { guardUdpSockets } from './udpSocketGuard';
import { Viewer, type ViewerStats } from './viewer';
import { ResourceExhaustedError, ViewerLimitError } from './webrtcErrors';

export interface WhepSessionsOptions {
  /** Viewers at once; the next offer is refused with ViewerLimitError. */
  maxViewers: number;
  ice: IceOptions;
  logger: Logger;
  /** Called when a viewer needs an IDR, at most once per `keyframeIntervalMs`. */
  requestKeyframe: () => void;
  /** Keyframe requests of all viewers together reach the encoder at most this often. Default 500. */
  keyframeIntervalMs?: number;
  /**
   * Viewers answered but not yet connected (ICE/DTLS pending) held at once; default half of
   * `maxViewers`, at least 4: ten real viewers opening at once fit in the default 20, while 20
   * offers never followed by ICE, which locked all 20 seats for 15 s, now leave half of them
   * free. Past it, a new offer evicts the oldest of them.
   */
  maxHalfOpen?: number;
  /**
   * When half-open viewers hold the last seats, a new offer evicts one only if it was answered
   * this long ago; sooner, the offer gets 503 (ICE and DTLS take a browser on the same network
   * a few hundred ms). Default 1000.
   */
  halfOpenGraceMs?: number;
  /** See ViewerOptions; defaults there. */
  connectTimeoutMs?: number;
  disconnectTimeoutMs?: number;
}

export interface WhepSessionsEvents extends Record<string, unknown[]> {
  viewerjoin: [ViewerStats];
  viewerleave: [id: string, reason: string];
}

/**
 * The WHEP sessions (id → viewer) sharing one fan-out: creates a viewer per offer within
 * `maxViewers`, forgets it when it closes for any reason, and closes them all on `close()`.
 */
export class WhepSessions extends EnhancedEventEmitter<WhepSessionsEvents> {
  private readonly viewers = new Map<string, Viewer>();
  private readonly fanout = new H264Fanout();
  /** Offers being answered hold a seat, so a burst of offers cannot overshoot maxViewers. */
  private answering = 0;
  private closed = false;
  private readonly keyframes: KeyframeThrottle;
  private readonly exhaustion = { refused: 0, loggedAt: 0 };

  constructor(private readonly options: WhepSessionsOptions) {
    super();
    guardUdpSockets();
    this.keyframes = new KeyframeThrottle(() => options.requestKeyframe(), options.keyframeIntervalMs ?? 500);
  }

  get size(): number {
    return this.viewers.size;
  }

  /**
   * Answers an offer. Throws ViewerLimitError when full, SdpError when the offer is unusable,
   * ResourceExhaustedError when the machine has no socket to give (logged once per 10 s).
   */
  async create(offerSdp: string): Promise<Viewer> {
    if (this.closed) throw new ViewerLimitError('the server is shutting down');
    this.makeRoom();
    this.answering++;
    let viewer: Viewer;
    try {
      viewer = await Viewer.answer(offerSdp, {
        id: randomUUID(),
        ice: this.options.ice,
        logger: this.options.logger,
        connectTimeoutMs: this.options.connectTimeoutMs,
        disconnectTimeoutMs: this.options.disconnectTimeoutMs,
      });
    } catch (error) {
      if (error instanceof ResourceExhaustedError) this.logExhaustion(error);
      throw error;
    } finally {
      this.answering--;
    }
    if (this.closed) {
      await viewer.close('the server is shutting down');
      throw new ViewerLimitError('the server is shutting down');
    }
    this.viewers.set(viewer.id, viewer);
    this.fanout.add(viewer);
    viewer.on('keyframeneeded', () => this.keyframes.request());
    viewer.once('close', (reason) => {
      this.viewers.delete(viewer.id);
      this.fanout.delete(viewer);
      this.safeEmit('viewerleave', viewer.id, reason);
    });
    this.options.logger.info(`viewer ${viewer.id}: joined (${this.viewers.size}/${this.options.maxViewers})`);
    this.safeEmit('viewerjoin', viewer.stats());
    return viewer;
  }

  has(id: string): boolean {
    return this.viewers.has(id);
  }

  /** Ends one session (WHEP DELETE); false when no such session. */
  async delete(id: string): Promise<boolean> {
    const viewer = this.viewers.get(id);
    if (!viewer) return false;
    await viewer.close('ended by the client');
    return true;
  }

  /** Feeds one encoded access unit to every viewer (packetized once). */
  push(unit: EncodedAccessUnit): void {
    this.fanout.push(unit);
  }

  stats(): ViewerStats[] {
    return [...this.viewers.values()].map((v) => v.stats());
  }

  /** Closes every viewer and refuses new ones. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    this.keyframes.close();
    await Promise.all([...this.viewers.values()].map((v) => v.close('server closing')));
  }

  /**
   * A seat for one more offer: refused when `maxViewers` are connected. Otherwise the oldest
   * half-open viewers are evicted while the half-open budget is spent, then while they hold the
   * last seats and are past their grace.
   */
  private makeRoom(): void {
    const { maxViewers } = this.options;
    const maxHalfOpen = this.options.maxHalfOpen ?? Math.max(4, Math.ceil(maxViewers / 2));
    const present = [...this.viewers.values()].filter((v) => v.state !== 'closed');
    // Map order is insertion order: the oldest half-open viewer first.
    const halfOpen = present.filter((v) => v.state === 'connecting');
    const connected = present.length - halfOpen.length;
    if (connected >= maxViewers) {
      throw new ViewerLimitError(`${maxViewers} viewers already watching (server.maxViewers)`);
    }
    const evict = () => void halfOpen.shift()?.close('evicted: answered, never connected, seat needed');
    while (halfOpen.length > 0 && halfOpen.length + this.answering >= maxHalfOpen) evict();
    const graceEnd = Date.now() - (this.options.halfOpenGraceMs ?? 1000);
    while (
      connected + halfOpen.length + this.answering >= maxViewers &&
      (halfOpen[0]?.answeredAt ?? Infinity) <= graceEnd
    ) {
      evict();
    }
    const pending = halfOpen.length + this.answering;
    if (pending >= maxHalfOpen || connected + pending >= maxViewers) {
      throw new ViewerLimitError(`${maxViewers} viewers watching or connecting (server.maxViewers)`);
    }
  }

  private logExhaustion(error: Error): void {
    this.exhaustion.refused++;
    const now = Date.now();
    if (now - this.exhaustion.loggedAt < 10_000) return;
    this.exhaustion.loggedAt = now;
    const count = this.exhaustion.refused;
    this.exhaustion.refused = 0;
    this.options.logger.error(`refusing viewers with 503: ${error.message} (${count} refused)`);
  }

  protected override onListenerError(event: string, error: unknown): void {
    this.options.logger.error(`a "${event}" listener threw: ${String(error)}`);
  }
}
