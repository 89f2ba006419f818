import type { Fmp4Fragment, Fmp4Init } from '../fmp4/fmp4Muxer';

/** A finished HLS media segment: the fragments of one GOP (or more), back to back. */
export interface HlsSegment {
  /** Media sequence number (RFC 8216 §4.3.3.2), and its URI `<sequence>.m4s`. */
  sequence: number;
  /** The init segment its fragments need (EXT-X-MAP). */
  init: Fmp4Init;
  /** moof + mdat pairs, starting with a keyframe. */
  data: Buffer;
  durationS: number;
  /** Discontinuity sequence number (RFC 8216 §4.3.3.3): counts init segment changes. */
  discontinuity: number;
}

export interface HlsSegmenterOptions {
  /** A segment is cut at the first keyframe at least this long after it began. */
  minSegmentMs: number;
  /** Finished segments kept (the playlist shows the newest few, the rest stay fetchable). */
  keptSegments: number;
  /** A segment growing past this (no keyframe coming) is dropped, to start again at one. */
  maxSegmentBytes: number;
}

/**
 * Cuts the shared fragment stream into segments at keyframes: a segment lasts one GOP of the
 * encoder (output.gop / fps: 2 s by default), or several when the GOP is shorter than
 * `minSegmentMs`. Memory stays bounded by `keptSegments` and `maxSegmentBytes`.
 */
export class HlsSegmenter {
  private readonly finished: HlsSegment[] = [];
  private lastInit: Fmp4Init | undefined;
  private discontinuity = 0;
  private open: { parts: Buffer[]; bytes: number; start: number; end: number; init: Fmp4Init } | undefined;

  constructor(
    private readonly options: HlsSegmenterOptions,
    private nextSequence = 0,
  ) {}

  /** Finished segments, oldest first. */
  get segments(): readonly HlsSegment[] {
    return this.finished;
  }

  /** Bytes held, finished and open. */
  get bytes(): number {
    return this.finished.reduce((sum, s) => sum + s.data.length, 0) + (this.open?.bytes ?? 0);
  }

  /** The sequence number the next segment will get (kept across a stop and start). */
  get sequence(): number {
    return this.nextSequence;
  }

  /** Adds a fragment; returns the segment it finished, if any. */
  push(fragment: Fmp4Fragment): HlsSegment | undefined {
    let done: HlsSegment | undefined;
    const open = this.open;
    if (fragment.keyframe) {
      const longEnough =
        open && ((fragment.decodeTime - open.start) * 1000) / 90_000 >= this.options.minSegmentMs;
      if (open && (longEnough || open.init !== fragment.init)) done = this.finish();
      if (!this.open) {
        this.open = {
          parts: [],
          bytes: 0,
          start: fragment.decodeTime,
          end: fragment.decodeTime,
          init: fragment.init,
        };
      }
    }
    const current = this.open;
    if (!current) return done; // before the first keyframe
    current.parts.push(fragment.data);
    current.bytes += fragment.data.length;
    current.end = fragment.decodeTime + fragment.duration;
    if (current.bytes > this.options.maxSegmentBytes) this.open = undefined;
    return done;
  }

  /** Frees every segment (the sequence numbers go on counting). */
  clear(): void {
    this.finished.length = 0;
    this.open = undefined;
  }

  private finish(): HlsSegment | undefined {
    const open = this.open;
    if (!open) return undefined;
    this.open = undefined;
    if (this.lastInit && this.lastInit !== open.init) this.discontinuity++;
    this.lastInit = open.init;
    const segment: HlsSegment = {
      sequence: this.nextSequence++,
      init: open.init,
      data: Buffer.concat(open.parts, open.bytes),
      durationS: (open.end - open.start) / 90_000,
      discontinuity: this.discontinuity,
    };
    this.finished.push(segment);
    while (this.finished.length > this.options.keptSegments) this.finished.shift();
    return segment;
  }
}
