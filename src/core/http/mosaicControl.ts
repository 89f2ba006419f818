import type { Tile } from '../layout/tile';
import type { SnapshotOptions } from '../stitcher/stitcher';
import type { StitcherStats } from '../stitcher/stitcherStats';

/** What the HTTP routes need of the Stitcher (so tests and adapters can stand in for it). */
export interface MosaicControl {
  readonly running: boolean;
  readonly tiles: readonly Tile[];
  stats(): StitcherStats;
  snapshot(options?: SnapshotOptions): Promise<Buffer>;
  /** Throws ConfigError naming each bad field. */
  setLayout(layout: unknown): readonly Tile[];
}
