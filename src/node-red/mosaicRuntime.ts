import type { Engine } from '../core/engine';
import { EnhancedEventEmitter } from '../core/enhancedEvents';
import { InvalidStateError } from '../core/errors';
import type { MotionEvent } from '../core/stitcher/cameraHub';
import type { OutputStateEvent, TileStateEvent } from '../core/stitcher/stitcher';

export interface MosaicRuntimeEvents extends Record<string, unknown[]> {
  /** A camera's state changed. */
  tilestate: [TileStateEvent];
  /** A camera's motion started or ended. */
  motion: [MotionEvent];
  /** A publishing output of `mosaic` changed state. */
  outputstate: [mosaic: string, event: OutputStateEvent];
  /** The cameras and encoders started or stopped. */
  runningchange: [running: boolean];
}

/**
 * The one Engine of a `mosaic-engine` config node, shared by every node that points at it
 * (Node-RED's serial-port + serialPool pattern, without a global pool: the config node is the
 * owner). Created and started by the first node that needs it; `stop()` parks the cameras and
 * the encoder but keeps the HTTP server and its port; `close()` frees everything, for good.
 * Its events follow whichever Engine is current, so a listener outlives a failed start.
 */
export class MosaicRuntime extends EnhancedEventEmitter<MosaicRuntimeEvents> {
  private engine: Engine | undefined;
  private starting: Promise<Engine> | undefined;
  private stopped = false;
  private stopping: Promise<void> | undefined;
  private closed = false;
  /** Why the last start failed (a taken port, an invalid config), until a start succeeds. */
  failure: unknown = undefined;

  /** `makeEngine` validates the config (throwing ConfigError) and makes an Engine, unstarted. */
  constructor(private readonly makeEngine: () => Engine) {
    super();
  }

  /** The Engine, made on first use (not started). Throws ConfigError naming each invalid field. */
  get(): Engine {
    if (this.closed) throw new InvalidStateError('the mosaic-engine node was closed (redeployed)');
    if (!this.engine) {
      const engine = this.makeEngine();
      engine.on('tilestate', (event) => this.safeEmit('tilestate', event));
      engine.hub.on('motion', (event) => this.safeEmit('motion', event));
      for (const [name, stitcher] of engine.mosaics) {
        stitcher.on('outputstate', (event) => this.safeEmit('outputstate', name, event));
      }
      engine.stitcher.on('start', () => this.safeEmit('runningchange', true));
      engine.stitcher.on('stop', () => this.safeEmit('runningchange', false));
      this.engine = engine;
    }
    return this.engine;
  }

  /** The Engine if one has been made (and not discarded after a failed start). */
  current(): Engine | undefined {
    return this.engine;
  }

  /** Whether the cameras and the (first mosaic's) encoder run now. */
  get running(): boolean {
    return this.engine?.stitcher.running ?? false;
  }

  /**
   * Starts the engine (cameras, encoder, HTTP server) or, after `stop()`, the cameras again.
   * Concurrent calls share one start. A failed first start frees the engine so a later call can
   * try again with a fresh one (an Engine cannot restart).
   */
  start(): Promise<Engine> {
    this.stopped = false;
    this.starting ??= this.startOnce()
      .then(
        (engine) => {
          this.failure = undefined;
          return engine;
        },
        (error: unknown) => {
          this.failure = error;
          throw error;
        },
      )
      .finally(() => {
        this.starting = undefined;
      });
    return this.starting;
  }

  /** Resolves with the running engine; rejects when a `stop` command parked it. */
  async whenRunning(): Promise<Engine> {
    if (this.stopped) throw new InvalidStateError('the mosaic is stopped (send mosaic-control "start")');
    return this.start();
  }

  /** Stops the cameras and every mosaic's encoder; the HTTP server keeps its port. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.starting?.catch(() => undefined);
    const engine = this.engine;
    if (!engine) return;
    const stopping = engine.stopMedia();
    this.stopping = stopping;
    try {
      await stopping;
    } finally {
      if (this.stopping === stopping) this.stopping = undefined;
    }
  }

  /** Closes the engine (viewers, HTTP server, cameras). Idempotent; never rejects. */
  async close(): Promise<void> {
    this.closed = true;
    await this.starting?.catch(() => undefined);
    await this.engine?.close();
  }

  private async startOnce(): Promise<Engine> {
    const engine = this.get();
    try {
      if (engine.port === 0) await engine.start();
      else {
        // After a stop (once it has finished): the cameras first, then each mosaic over them.
        await this.stopping?.catch(() => undefined);
        await engine.startMedia();
      }
    } catch (error) {
      if (engine.port === 0) {
        this.engine = undefined;
        await engine.close();
      }
      throw error;
    }
    if (this.closed) {
      await engine.close();
      throw new InvalidStateError('the mosaic-engine node was closed (redeployed)');
    }
    return engine;
  }
}
