/**
 * Requests held until something changes (the first segment, a blocking playlist reload, a
 * hinted part): each looks again at every `wake()`, and gives up at its deadline or when
 * `alive()` turns false.
 */
export class ChangeWaiters {
  private waiters: (() => void)[] = [];

  constructor(private readonly alive: () => boolean) {}

  /** Resolves true once `check` holds, false after `timeoutMs` or once no longer alive. */
  wait(check: () => unknown, timeoutMs: number): Promise<boolean> {
    if (check()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(false), timeoutMs);
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== wake);
        resolve(ok);
      };
      const wake = () => {
        if (!this.alive()) done(false);
        else if (check()) done(true);
      };
      this.waiters.push(wake);
    });
  }

  wake(): void {
    for (const wake of [...this.waiters]) wake();
  }
}
