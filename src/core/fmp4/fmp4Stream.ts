import type { Release } from '../stitcher/demand';
import type { StitcherLike } from '../stitcher/stitcherTypes';
import { KeyframeThrottle } from '../webrtc/keyframeThrottle';
import { Fmp4Muxer, type EncodedAccessUnit, type Fmp4Fragment, type Fmp4Init } from './fmp4Muxer';

/** Re-exported for the fMP4 outputs' callers (defined once, in stitcherTypes.ts). */
export type { StitcherLike };

export type FragmentListener = (fragment: Fmp4Fragment) => void;
export type Unsubscribe = () => void;

export interface Fmp4StreamOptions {
  /** At most one keyframe request to the encoder per this long (later ones merge). Default 500. */
  keyframeIntervalMs?: number;
}

/**
 * One mosaic as fMP4, muxed once and shared by every MSE client and the HLS segmenter. It
 * listens to the Stitcher only while subscribed, so a mosaic nobody plays this way costs nothing
 * for it; each transport holds its own lease (`want`) on the encode.
 */
export class Fmp4Stream {
  private readonly muxer: Fmp4Muxer;
  private readonly listeners = new Set<FragmentListener>();
  private readonly keyframes: KeyframeThrottle;
  private readonly onUnit = (unit: EncodedAccessUnit) => this.deliver(unit);
  private closed = false;
  /** Seconds between the encoder's own keyframes (output.gop / fps). */
  readonly gopSeconds: number;
  /** The encoder's frame rate. */
  readonly fps: number;
  /** Fragments muxed since construction. */
  fragments = 0;
  /** Listeners that threw, and the last error, for stats. */
  listenerErrors = 0;
  lastListenerError: string | undefined;

  constructor(
    private readonly stitcher: StitcherLike,
    options: Fmp4StreamOptions = {},
  ) {
    const { width, height, fps, gop } = stitcher.mosaic.output;
    this.gopSeconds = gop / fps;
    this.fps = fps;
    this.muxer = new Fmp4Muxer({ width, height, fps });
    this.keyframes = new KeyframeThrottle(
      () => stitcher.requestKeyframe(),
      options.keyframeIntervalMs ?? 500,
    );
  }

  /** The latest init segment, once a keyframe came. */
  get init(): Fmp4Init | undefined {
    return this.muxer.init;
  }

  /** Subscribers now (MSE clients, a running HLS). */
  get size(): number {
    return this.listeners.size;
  }

  /** Calls `listener` with every fragment from now on; the first subscriber starts the muxing. */
  subscribe(listener: FragmentListener): Unsubscribe {
    if (this.closed) return () => {};
    this.listeners.add(listener);
    if (this.listeners.size === 1) this.stitcher.on('accessunit', this.onUnit);
    return () => {
      if (!this.listeners.delete(listener)) return;
      if (this.listeners.size === 0) this.stitcher.off('accessunit', this.onUnit);
    };
  }

  /** A lease on the encode for `reason` (`mse`, `hls`), shown in the Stitcher's stats. */
  want(reason: string): Release {
    return this.stitcher.want(reason);
  }

  /** Asks the encoder for a keyframe, throttled: a new client starts on one. */
  requestKeyframe(): void {
    this.keyframes.request();
  }

  /** Stops listening; subscribers get nothing more. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.keyframes.close();
    if (this.listeners.size > 0) this.stitcher.off('accessunit', this.onUnit);
    this.listeners.clear();
  }

  private deliver(unit: EncodedAccessUnit): void {
    const fragment = this.muxer.push(unit);
    if (!fragment) return;
    this.fragments++;
    for (const listener of [...this.listeners]) {
      try {
        listener(fragment);
      } catch (error) {
        // One client's failure must not cost the others this fragment.
        this.listenerErrors++;
        this.lastListenerError = String(error);
      }
    }
  }
}
