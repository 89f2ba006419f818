import { randomUUID } from 'node:crypto';
import { EnhancedEventEmitter } from '../enhancedEvents';
import type { Logger } from '../logger';
import { H264Fanout, type EncodedAccessUnit } from './h264Fanout';
import type { IceOptions } from './peerConfig';
import { Viewer, type ViewerStats } from './viewer';
import { ViewerLimitError } from './webrtcErrors';

export interface WhepSessionsOptions {
  /** Viewers at once; the next offer is refused with ViewerLimitError. */
  maxViewers: number;
  ice: IceOptions;
  logger: Logger;
  /** Called when any viewer needs an IDR; the stitcher coalesces a burst into one. */
  requestKeyframe: () => void;
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

  constructor(private readonly options: WhepSessionsOptions) {
    super();
  }

  get size(): number {
    return this.viewers.size;
  }

  /** Answers an offer. Throws ViewerLimitError when full, SdpError when the offer is unusable. */
  async create(offerSdp: string): Promise<Viewer> {
    if (this.closed) throw new ViewerLimitError('the server is shutting down');
    if (this.viewers.size + this.answering >= this.options.maxViewers) {
      throw new ViewerLimitError(`${this.options.maxViewers} viewers already watching (server.maxViewers)`);
    }
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
    } finally {
      this.answering--;
    }
    if (this.closed) {
      await viewer.close('the server is shutting down');
      throw new ViewerLimitError('the server is shutting down');
    }
    this.viewers.set(viewer.id, viewer);
    this.fanout.add(viewer);
    viewer.on('keyframeneeded', () => this.options.requestKeyframe());
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
    await Promise.all([...this.viewers.values()].map((v) => v.close('server closing')));
  }

  protected override onListenerError(event: string, error: unknown): void {
    this.options.logger.error(`a "${event}" listener threw: ${String(error)}`);
  }
}
