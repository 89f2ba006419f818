/**
 * Lets at most one keyframe request through per `minIntervalMs`, as LiveKit throttles PLIs: a
 * request inside the window is not lost but merged into one sent when the window ends. Without
 * it a viewer sending a PLI every 10 ms turned nearly every frame into an IDR, for every viewer.
 */
export class KeyframeThrottle {
  /** Requests that went through. */
  forwarded = 0;
  /** Requests merged into another. */
  coalesced = 0;
  private lastForwardedAt = Number.NEGATIVE_INFINITY;
  private pending: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly forward: () => void,
    private readonly minIntervalMs = 500,
  ) {}

  request(): void {
    if (this.closed) return;
    if (this.pending) {
      this.coalesced++;
      return;
    }
    const waitMs = this.lastForwardedAt + this.minIntervalMs - Date.now();
    if (waitMs <= 0) {
      this.send();
      return;
    }
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.send();
    }, waitMs);
  }

  /** Drops a pending request; later requests are ignored. */
  close(): void {
    this.closed = true;
    clearTimeout(this.pending);
    this.pending = undefined;
  }

  private send(): void {
    this.lastForwardedAt = Date.now();
    this.forwarded++;
    this.forward();
  }
}
