import type { AutoLayoutConfig } from '../config/layoutSchema';
import type { Canvas } from './canvas';
import { onePlusNTiles } from './onePlusNPreset';
import type { Tile } from './tile';

/** A camera's motion turning on or off, as the native detector reports it. */
export interface MotionEvent {
  camera: string;
  active: boolean;
  /** 0..100: the share of the picture that changed in the latest analysis. */
  score: number;
}

export interface AutoLayoutDirectorOptions {
  /** The `auto` layout's cameras; the first is big at the start and after a quiet period. */
  cameras: readonly string[];
  /** The big camera keeps the big tile at least this long (ms). */
  holdMs: number;
  /** With no camera active for this long (ms), the first camera takes the big tile back. */
  quietMs: number;
  /** Called with the camera that now has the big tile; must not throw. */
  onChange: (bigCamera: string) => void;
  /** ms clock; Date.now by default. */
  now?: () => number;
  setTimer?: (callback: () => void, delayMs: number) => unknown;
  clearTimer?: (timer: unknown) => void;
}

/**
 * Decides which camera of an `auto` layout is big (issue 11): the one whose motion started last,
 * but the big camera keeps the tile at least `holdMs` since it got it; a start during the hold is
 * remembered and applied when the hold ends if that camera is still active; after `quietMs` with
 * no camera active, the first camera takes it back (and is held like any other). The first camera
 * is not held at the start: it got the tile by default, not by motion. Pure: no native code, one
 * timer, which `close()` clears.
 */
export class AutoLayoutDirector {
  private readonly cameras: readonly string[];
  private readonly options: AutoLayoutDirectorOptions;
  private readonly now: () => number;
  private readonly setTimer: (callback: () => void, delayMs: number) => unknown;
  private readonly clearTimer: (timer: unknown) => void;
  private readonly active = new Set<string>();
  private bigCamera: string;
  private bigSince: number;
  /** The latest motion start during the hold, applied when it ends. */
  private pending: string | undefined;
  /** When the last active camera turned inactive. */
  private quietSince: number;
  private timer: unknown;
  private timerAt: number | undefined;
  private closed = false;

  constructor(options: AutoLayoutDirectorOptions) {
    const [first] = options.cameras;
    if (first === undefined) throw new TypeError('AutoLayoutDirector needs at least one camera');
    this.options = options;
    this.cameras = [...options.cameras];
    this.now = options.now ?? Date.now;
    this.setTimer = options.setTimer ?? ((callback, delayMs) => setTimeout(callback, delayMs));
    this.clearTimer = options.clearTimer ?? ((timer) => clearTimeout(timer as NodeJS.Timeout));
    this.bigCamera = first;
    this.bigSince = -Infinity;
    this.quietSince = this.now();
  }

  /** The camera in the big tile. */
  get big(): string {
    return this.bigCamera;
  }

  /** A motion event of any camera; those not in the layout are ignored. */
  motion(event: MotionEvent): void {
    const { camera, active } = event;
    if (this.closed || !this.cameras.includes(camera)) return;
    const now = this.now();
    if (active) {
      this.active.add(camera);
      if (camera === this.bigCamera) this.pending = undefined;
      else if (now - this.bigSince >= this.options.holdMs) this.give(camera, now);
      else this.pending = camera;
    } else if (this.active.delete(camera)) {
      if (this.pending === camera) this.pending = undefined;
      if (this.active.size === 0) this.quietSince = now;
    }
    this.schedule(now);
  }

  /** Stops the timer; later events are ignored. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.cancelTimer();
  }

  private give(camera: string, now: number): void {
    this.pending = undefined;
    if (camera === this.bigCamera) return;
    this.bigCamera = camera;
    this.bigSince = now;
    this.options.onChange(camera);
  }

  /** When the big tile may next change on its own: the hold's end or the quiet return. */
  private nextDeadline(): number | undefined {
    const holdEnd = this.bigSince + this.options.holdMs;
    if (this.pending !== undefined) return holdEnd;
    const first = this.cameras[0];
    if (this.active.size === 0 && this.bigCamera !== first) {
      return Math.max(holdEnd, this.quietSince + this.options.quietMs);
    }
    return undefined;
  }

  private schedule(now: number): void {
    const deadline = this.nextDeadline();
    if (deadline === this.timerAt) return;
    this.cancelTimer();
    if (deadline === undefined) return;
    this.timerAt = deadline;
    this.timer = this.setTimer(() => this.onTimer(), Math.max(0, deadline - now));
  }

  private onTimer(): void {
    this.timer = undefined;
    this.timerAt = undefined;
    if (this.closed) return;
    const now = this.now();
    const deadline = this.nextDeadline();
    if (deadline !== undefined && now >= deadline) {
      const pending = this.pending;
      if (pending !== undefined) this.give(pending, now);
      else this.give(this.cameras[0] ?? this.bigCamera, now);
    }
    this.schedule(now);
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) this.clearTimer(this.timer);
    this.timer = undefined;
    this.timerAt = undefined;
  }
}

/**
 * The tiles of an `auto` layout with `bigCamera` in the big tile and the others in list order
 * (the 1+N preset's geometry); a camera not in the list leaves the first one big.
 */
export function autoLayoutTiles(layout: AutoLayoutConfig, bigCamera: string, canvas: Canvas): Tile[] {
  const { cameras } = layout;
  const index = Math.max(0, cameras.indexOf(bigCamera));
  const order = [...cameras.slice(index, index + 1), ...cameras.slice(0, index), ...cameras.slice(index + 1)];
  return onePlusNTiles(order, canvas, layout.fit);
}
