import type { AccessUnit, Stitcher } from '../../src/core/stitcher/stitcher';

/** Records a stitcher's access units from now until `stop()`. */
export class AccessUnitRecorder {
  readonly units: AccessUnit[] = [];
  private readonly listener = (unit: AccessUnit) => this.units.push(unit);
  /** A recorder is watching: the encoder never rests under it. */
  private readonly release: () => void;

  constructor(private readonly stitcher: Stitcher) {
    stitcher.on('accessunit', this.listener);
    this.release = stitcher.want('recorder');
  }

  stop(): AccessUnit[] {
    this.stitcher.off('accessunit', this.listener);
    this.release();
    return this.units;
  }

  /** The recording as one Annex-B stream, starting at its first keyframe (a decoder's entry). */
  annexB(): Buffer {
    const first = this.units.findIndex((u) => u.keyframe);
    return Buffer.concat(first < 0 ? [] : this.units.slice(first).map((u) => u.data));
  }

  /** Where consecutive pts differ by anything but one frame interval. */
  ptsGaps(frameTicks: number): { index: number; delta: number }[] {
    const gaps: { index: number; delta: number }[] = [];
    for (let i = 1; i < this.units.length; i++) {
      const delta = this.units[i].pts - this.units[i - 1].pts;
      if (delta !== frameTicks) gaps.push({ index: i, delta });
    }
    return gaps;
  }
}
