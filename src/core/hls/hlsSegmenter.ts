import type { Fmp4Fragment, Fmp4Init } from '../fmp4/fmp4Muxer';

/** A partial segment (LL-HLS): a few fragments of a segment, fetchable before it ends. */
export interface HlsPart {
  /** Its index in the segment; URI `<sequence>.<index>.m4s`. */
  index: number;
  data: Buffer;
  durationS: number;
  /** Starts with a keyframe (EXT-X-PART INDEPENDENT=YES). */
  independent: boolean;
}

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
  /** Its partial segments, when parts are on. */
  parts: readonly HlsPart[];
  /** Wall-clock time of its first frame, ms since the epoch (EXT-X-PROGRAM-DATE-TIME). */
  startedAtMs: number;
}

/** The segment being filled: its parts so far are already fetchable. */
export interface OpenSegment {
  /** The media sequence number it will have. */
  sequence: number;
  init: Fmp4Init;
  parts: readonly HlsPart[];
}

export interface HlsSegmenterOptions {
  /** A segment is cut at the first keyframe at least this long after it began. */
  minSegmentMs: number;
  /** Finished segments kept (the playlist shows the newest few, the rest stay fetchable). */
  keptSegments: number;
  /** A segment growing past this (no keyframe coming) is dropped, to start again at one. */
  maxSegmentBytes: number;
  /** Partial segments at most this long (LL-HLS); 0 makes none. */
  partTargetMs?: number;
  /** The wall clock, ms since the epoch; `Date.now` unless a test drives it. */
  now?: () => number;
}

/** A segment's predicted start further than this from the wall clock re-anchors the mapping. */
const maxClockDriftMs = 1000;

interface Filling {
  fragments: Buffer[];
  bytes: number;
  start: number;
  end: number;
}

/**
 * Cuts the shared fragment stream into segments at keyframes: a segment lasts one GOP of the
 * encoder (output.gop / fps: 2 s by default), or several when the GOP is shorter than
 * `minSegmentMs`; with `partTargetMs`, into parts of whole fragments no longer than that too.
 * Memory stays bounded by `keptSegments` and `maxSegmentBytes`.
 */
export class HlsSegmenter {
  /** Counts finished parts and segments: a waiting request looks again when it changes. */
  changes = 0;
  private readonly finished: HlsSegment[] = [];
  private lastInit: Fmp4Init | undefined;
  private discontinuity = 0;
  private open:
    | (Filling & {
        init: Fmp4Init;
        parts: HlsPart[];
        part: (Filling & { key: boolean }) | undefined;
        startedAtMs: number;
      })
    | undefined;
  private readonly partTicks: number;
  private readonly now: () => number;
  /** Maps the 90 kHz decode time to the wall clock; set by the first keyframe after a clear. */
  private anchor: { decodeTime: number; wallMs: number } | undefined;

  constructor(
    private readonly options: HlsSegmenterOptions,
    private nextSequence = 0,
  ) {
    this.partTicks = ((options.partTargetMs ?? 0) * 90_000) / 1000;
    this.now = options.now ?? Date.now;
  }

  /** Finished segments, oldest first. */
  get segments(): readonly HlsSegment[] {
    return this.finished;
  }

  /** The segment being filled, once a keyframe began it. */
  get current(): OpenSegment | undefined {
    const open = this.open;
    return open && { sequence: this.nextSequence, init: open.init, parts: open.parts };
  }

  /** Bytes held, finished and open (parts included). */
  get bytes(): number {
    const parts = (list: readonly HlsPart[]) => list.reduce((sum, p) => sum + p.data.length, 0);
    const finished = this.finished.reduce((sum, s) => sum + s.data.length + parts(s.parts), 0);
    return finished + (this.open ? this.open.bytes + parts(this.open.parts) : 0);
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
        const at = fragment.decodeTime;
        this.open = {
          fragments: [],
          bytes: 0,
          start: at,
          end: at,
          init: fragment.init,
          parts: [],
          part: undefined,
          startedAtMs: this.wallClockOf(at),
        };
      }
    }
    const current = this.open;
    if (!current) return done; // before the first keyframe
    add(current, fragment);
    if (this.partTicks > 0) {
      // A part ends before the fragment that would make it longer than the target.
      if (current.part && fragment.decodeTime + fragment.duration - current.part.start > this.partTicks) {
        this.finishPart();
      }
      current.part ??= {
        fragments: [],
        bytes: 0,
        start: fragment.decodeTime,
        end: 0,
        key: fragment.keyframe,
      };
      add(current.part, fragment);
    }
    if (current.bytes > this.options.maxSegmentBytes) this.open = undefined;
    return done;
  }

  /** Whether segment `sequence` (with part `index`, or a later one) is in the playlist. */
  reached(sequence: number, index: number | undefined): boolean {
    if ((this.finished.at(-1)?.sequence ?? -1) >= sequence) return true;
    const open = this.current;
    if (index === undefined || !open) return false;
    return open.sequence > sequence || (open.sequence === sequence && open.parts.length > index);
  }

  /** Whether it is the part a preload hint names now: the next one to be finished. */
  isNextPart(sequence: number, index: number, running: boolean): boolean {
    const open = this.current;
    if (open) return open.sequence === sequence && open.parts.length === index;
    return running && sequence === this.nextSequence && index === 0;
  }

  findPart(sequence: number, index: number): HlsPart | undefined {
    const open = this.current;
    const parts =
      open?.sequence === sequence ? open.parts : this.finished.find((s) => s.sequence === sequence)?.parts;
    return parts?.[index];
  }

  /** Frees every segment (the sequence numbers go on counting). */
  clear(): void {
    this.finished.length = 0;
    this.open = undefined;
    this.anchor = undefined;
  }

  /**
   * The wall-clock time of a frame at `decodeTime`: counted from an anchor along the decode
   * clock, so segment times agree with their EXTINF durations. The decode clock does not follow
   * a pause of the encoder (the muxer keeps its timeline gap-free), so a prediction that strays
   * from the wall clock by more than a second starts a new anchor.
   */
  private wallClockOf(decodeTime: number): number {
    const now = this.now();
    const predicted = this.anchor && this.anchor.wallMs + (decodeTime - this.anchor.decodeTime) / 90;
    if (predicted !== undefined && Math.abs(predicted - now) <= maxClockDriftMs) return Math.round(predicted);
    this.anchor = { decodeTime, wallMs: now };
    return now;
  }

  private finishPart(): void {
    const open = this.open;
    const part = open?.part;
    if (!open || !part) return;
    open.part = undefined;
    open.parts.push({
      index: open.parts.length,
      data: Buffer.concat(part.fragments, part.bytes),
      durationS: (part.end - part.start) / 90_000,
      independent: part.key,
    });
    this.changes++;
  }

  private finish(): HlsSegment | undefined {
    this.finishPart();
    const open = this.open;
    if (!open) return undefined;
    this.open = undefined;
    if (this.lastInit && this.lastInit !== open.init) this.discontinuity++;
    this.lastInit = open.init;
    const segment: HlsSegment = {
      sequence: this.nextSequence++,
      init: open.init,
      data: Buffer.concat(open.fragments, open.bytes),
      durationS: (open.end - open.start) / 90_000,
      discontinuity: this.discontinuity,
      parts: open.parts,
      startedAtMs: open.startedAtMs,
    };
    this.finished.push(segment);
    while (this.finished.length > this.options.keptSegments) this.finished.shift();
    this.changes++;
    return segment;
  }
}

function add(filling: Filling, fragment: Fmp4Fragment): void {
  filling.fragments.push(fragment.data);
  filling.bytes += fragment.data.length;
  filling.end = fragment.decodeTime + fragment.duration;
}
