/** Lets go of a lease taken with `want()`; calling it again does nothing. */
export type Release = () => void;

/**
 * Who wants the mosaic encoded now: each viewer, output or snapshot holds a lease. With no lease
 * for `idleAfterMs`, `setIdle(true)` is called (the encoder rests); the next lease calls
 * `setIdle(false)` at once. Leases outlive a stop and start of the mosaic: a viewer kept across
 * a restart still counts.
 */
export class Demand {
  private readonly leases = new Map<string, number>();
  private setIdle: ((idle: boolean) => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private idle = false;

  /** `idleAfterMs`: Infinity never rests. */
  constructor(private readonly idleAfterMs: number) {}

  /** Whether the encoder rests now. */
  get isIdle(): boolean {
    return this.idle;
  }

  /** Leases held now, by reason (e.g. `{ whep: 2, output: 1 }`). */
  get wanted(): Record<string, number> {
    return Object.fromEntries(this.leases);
  }

  /** Takes a lease for `reason` (shown in stats); wakes a resting encoder at once. */
  want(reason: string): Release {
    this.leases.set(reason, (this.leases.get(reason) ?? 0) + 1);
    this.clearTimer();
    this.change(false);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.leases.get(reason) ?? 1) - 1;
      if (left > 0) this.leases.set(reason, left);
      else this.leases.delete(reason);
      this.restWhenUnwanted();
    };
  }

  /** A native run started: it encodes, and rests once unwanted for `idleAfterMs`. */
  attach(setIdle: (idle: boolean) => void): void {
    this.setIdle = setIdle;
    this.idle = false;
    this.restWhenUnwanted();
  }

  /** The native run stopped: no timer left behind. */
  detach(): void {
    this.clearTimer();
    this.setIdle = undefined;
    this.idle = false;
  }

  private restWhenUnwanted(): void {
    if (this.leases.size > 0 || !this.setIdle || this.timer || !Number.isFinite(this.idleAfterMs)) {
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.leases.size === 0) this.change(true);
    }, this.idleAfterMs);
    // A resting encoder is no reason to keep the process alive.
    this.timer.unref();
  }

  private change(idle: boolean): void {
    if (this.idle === idle || !this.setIdle) return;
    this.idle = idle;
    this.setIdle(idle);
  }

  private clearTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
