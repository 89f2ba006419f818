import { EnhancedEventEmitter } from '../enhancedEvents';
import type { RenditionConfig } from '../config/renditionSchema';
import type { AccessUnit } from './stitcher';

/** A rendition's settings after defaults: what its native encoder runs with. */
export interface RenditionSettings {
  width: number;
  height: number;
  fps: number;
  bitrate: number;
  gop: number;
  profile: string;
}

export interface RenditionEvents extends Record<string, unknown[]> {
  accessunit: [AccessUnit];
  close: [];
}

/**
 * One user's hold on an extra encoding of the mosaic (e.g. a HomeKit stream). Users asking for
 * the same settings share one native encoder; it is freed when the last of them closes.
 */
export class Rendition extends EnhancedEventEmitter<RenditionEvents> {
  private closed = false;

  constructor(
    readonly settings: RenditionSettings,
    private readonly owner: { requestKeyframe(): void; release(user: Rendition): void },
  ) {
    super();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Asks for an IDR on this rendition soon (coalesced with other requests). */
  requestKeyframe(): void {
    if (!this.closed) this.owner.requestKeyframe();
  }

  /** Lets go of the rendition; idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.owner.release(this);
    this.safeEmit('close');
    this.removeAllListeners();
  }

  /** @internal the registry delivers encoded units here. */
  deliver(unit: AccessUnit): void {
    this.safeEmit('accessunit', unit);
  }
}

/** Settings with defaults; fps capped at the canvas rate. */
export function renditionSettings(request: RenditionConfig, canvasFps: number): RenditionSettings {
  const fps = Math.min(request.fps, canvasFps);
  return {
    width: request.width,
    height: request.height,
    fps,
    bitrate: request.bitrate,
    gop: request.gop ?? fps * 2,
    profile: request.profile ?? 'baseline',
  };
}
