/**
 * Runs steps one at a time, in call order: a start never overlaps a stop. A step begins at once
 * when nothing else runs (a start opens the cameras before `start()` returns, as a caller would
 * expect), else after the steps queued before it. A call whose kind is the one queued or running
 * last joins it instead of queuing another (two starts in a row are one start, also when the
 * second comes from a listener of the first); once that step has settled, the next call of its
 * kind runs afresh, so a start that failed can be tried again.
 */
export class SerialRuns<Kind extends string> {
  private tail: Promise<void> = Promise.resolve();
  private last: { kind: Kind; done: Promise<void> } | undefined;

  run(kind: Kind, step: () => Promise<void>): Promise<void> {
    if (this.last?.kind === kind) return this.last.done;
    const before = this.last === undefined ? undefined : this.tail;
    let settle!: (outcome: Promise<void>) => void;
    const entry: { kind: Kind; done: Promise<void> } = {
      kind,
      // Cleared before the callers hear of the outcome, so a retry from a rejection handler runs.
      done: new Promise<void>((resolve) => (settle = resolve)).finally(() => {
        if (this.last === entry) this.last = undefined;
      }),
    };
    // Registered before the step begins, so a call the step itself causes joins or queues behind it.
    this.last = entry;
    this.tail = entry.done.catch(() => undefined);
    settle(before ? before.then(step) : new Promise<void>((resolve) => resolve(step())));
    return entry.done;
  }
}
