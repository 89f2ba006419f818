import { EventEmitter } from 'node:events';

/** Event name → listener argument tuple. */
export type EventMap = Record<string, unknown[]>;

/**
 * An EventEmitter whose event names and payloads are checked by the compiler (as mediasoup's
 * EnhancedEventEmitter). `safeEmit` keeps one throwing listener from breaking the emitter's
 * caller — a media callback must never be cut short by a user's handler.
 */
export class EnhancedEventEmitter<E extends EventMap> {
  private readonly emitter = new EventEmitter();

  constructor() {
    // Viewers and flows may subscribe many times; the default 10 would warn spuriously.
    this.emitter.setMaxListeners(Infinity);
  }

  on<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.emitter.on(event, listener as (...args: unknown[]) => void);
    return this;
  }

  once<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.emitter.once(event, listener as (...args: unknown[]) => void);
    return this;
  }

  off<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.emitter.off(event, listener as (...args: unknown[]) => void);
    return this;
  }

  listenerCount<K extends keyof E & string>(event: K): number {
    return this.emitter.listenerCount(event);
  }

  removeAllListeners<K extends keyof E & string>(event?: K): this {
    this.emitter.removeAllListeners(event);
    return this;
  }

  /** Emits to every listener; a listener that throws is reported to `onListenerError`. */
  protected safeEmit<K extends keyof E & string>(event: K, ...args: E[K]): boolean {
    // rawListeners, not listeners: a once() listener comes back as its wrapper, which unregisters
    // itself when called; listeners() returns the bare function, which would fire on every emit.
    const listeners = this.emitter.rawListeners(event) as ((...a: E[K]) => void)[];
    for (const listener of listeners) {
      try {
        listener(...args);
      } catch (error) {
        this.onListenerError(event, error);
      }
    }
    return listeners.length > 0;
  }

  /** Where throwing listeners are reported; subclasses log them. */
  protected onListenerError(event: string, error: unknown): void {
    process.emitWarning(`listener of "${event}" threw: ${String(error)}`);
  }
}
