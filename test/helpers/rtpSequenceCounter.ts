/** What one RTP packet's sequence number said, relative to those before it. */
export type SequenceVerdict = 'first' | 'next' | 'gap' | 'late' | 'duplicate' | 'jump';

// RFC 3550 Appendix A.1's limits: a step forward under MAX_DROPOUT is the stream going on (with
// loss); one back by up to MAX_MISORDER is a late (reordered) or duplicate packet; anything else
// is a jump, believed only when the next packet follows it (the sender restarted).
const SEQ_MOD = 0x10000;
const MAX_DROPOUT = 3000;
const MAX_MISORDER = 100;
// Extended sequence numbers remembered to tell a late packet from a duplicate.
const SEEN_WINDOW = 4096;

/**
 * Counts lost RTP packets as RFC 3550 Appendix A.1 does: sequence numbers are extended with a
 * wrap count that only grows when they go from high to low in order (a genuine 16-bit wrap),
 * expected = highest extended − first + 1, lost = expected − received. Unlike A.1, a duplicate is
 * not counted as received (so it cannot hide a real loss) and loss never goes below zero.
 */
export class RtpSequenceCounter {
  /** Unique packets counted towards `expected`. */
  received = 0;
  duplicates = 0;
  /** Packets that arrived after a later one (counted as received: they were not lost). */
  late = 0;
  /** Accepted restarts of the sequence (a jump confirmed by the next packet). */
  resyncs = 0;
  private base = -1;
  private maxSeq = 0;
  private cycles = 0;
  private badSeq = SEQ_MOD + 1;
  private lostBeforeResync = 0;
  private readonly seen = new Float64Array(SEEN_WINDOW).fill(-1);

  /** Highest extended sequence number so far (cycles × 65536 + seq); −1 before the first packet. */
  get extendedMax(): number {
    return this.base < 0 ? -1 : this.cycles + this.maxSeq;
  }

  get expected(): number {
    return this.base < 0 ? 0 : this.extendedMax - this.base + 1;
  }

  get lost(): number {
    return this.lostBeforeResync + Math.max(0, this.expected - this.received);
  }

  update(sequence: number): SequenceVerdict {
    const seq = sequence & 0xffff;
    if (this.base < 0) {
      this.restart(seq);
      return 'first';
    }
    const delta = (seq - this.maxSeq) & 0xffff;
    if (delta === 0) {
      this.duplicates++;
      return 'duplicate';
    }
    if (delta < MAX_DROPOUT) {
      // In order, perhaps with a gap; going from high to low here is a genuine wrap.
      if (seq < this.maxSeq) this.cycles += SEQ_MOD;
      this.maxSeq = seq;
      this.markReceived(this.extendedMax);
      return delta === 1 ? 'next' : 'gap';
    }
    if (delta <= SEQ_MOD - MAX_MISORDER) {
      // A jump: believe it only if the next packet follows on from it.
      if (seq === this.badSeq) {
        this.lostBeforeResync = this.lost;
        this.resyncs++;
        this.restart(seq);
        return 'next';
      }
      this.badSeq = (seq + 1) & 0xffff;
      return 'jump';
    }
    // Behind the highest by at most MAX_MISORDER: late, or a duplicate of one already here.
    const extended = this.extendedMax - (SEQ_MOD - delta);
    if (extended < this.base) {
      // Older than the first packet: it arrived, but was never expected; count it as late only.
      this.late++;
      return 'late';
    }
    if (this.seen[extended % SEEN_WINDOW] === extended) {
      this.duplicates++;
      return 'duplicate';
    }
    this.markReceived(extended);
    this.late++;
    return 'late';
  }

  private restart(seq: number): void {
    this.base = seq;
    this.maxSeq = seq;
    this.cycles = 0;
    this.badSeq = SEQ_MOD + 1;
    this.received = 0;
    this.seen.fill(-1);
    this.markReceived(seq);
  }

  private markReceived(extended: number): void {
    this.seen[extended % SEEN_WINDOW] = extended;
    this.received++;
  }
}
