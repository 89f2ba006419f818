import type { Engine } from '../core/engine';
import { EnhancedEventEmitter } from '../core/enhancedEvents';
import { InvalidStateError } from '../core/errors';
import type { CameraStateEvent, MotionEvent } from '../core/stitcher/cameraHub';
import type { OutputStateEvent } from '../core/stitcher/stitcher';

export interface MosaicRuntimeEvents extends Record<string, unknown[]> {
  /** A camera's state changed. */
  camerastate: [CameraStateEvent];
  /** A camera's motion started or ended. */
  motion: [MotionEvent];
  /** A publishing output of `mosaic` changed state. */
  outputstate: [mosaic: string, event: OutputStateEvent];
  /** The cameras and every mosaic's encoder started. */
  start: [];
  /** The cameras and every mosaic's encoder stopped. */
  stop: [];
}

/**
 * The one Engine of a `mosaic-engine` config node, shared by every node that points at it
 * (Node-RED's serial-port + serialPool pattern, without a global pool: the config node is the
 * owner). Made and started by the first node that needs it; `stop()` parks the cameras and the
 * encoders (the media core) but keeps the HTTP server and its port; `close()` frees everything,
 * for good. A start that fails leaves nothing running (the media core's cleanup) and the next
 * `start()` tries again with the same Engine. Its events are the media core's, so a node can
 * listen before the Engine exists.
 */
export class MosaicRuntime extends EnhancedEventEmitter<MosaicRuntimeEvents> {
  private engine: Engine | undefined;
  /** Why the config could not make an Engine: validated once, the same error for every node. */
  private invalid: { error: unknown } | undefined;
  /** A start has succeeded: the server listens (and keeps listening through a `stop`). */
  private served = false;
  private stopped = false;
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
    if (this.invalid) throw this.invalid.error;
    if (!this.engine) {
      let engine: Engine;
      try {
        engine = this.makeEngine();
      } catch (error) {
        this.invalid = { error };
        throw error;
      }
      const { media } = engine;
      media.on('camerastate', (event) => this.safeEmit('camerastate', event));
      media.on('motion', (event) => this.safeEmit('motion', event));
      media.on('outputstate', (name, event) => this.safeEmit('outputstate', name, event));
      media.on('start', () => this.safeEmit('start'));
      media.on('stop', () => this.safeEmit('stop'));
      this.engine = engine;
    }
    return this.engine;
  }

  /**
   * The Engine if one has been made, starting or started (its server then answers, running or
   * stopped); undefined while its first start has failed and none has succeeded yet.
   */
  current(): Engine | undefined {
    return this.served || this.failure === undefined ? this.engine : undefined;
  }

  /** Whether the cameras and every mosaic's encoder run now. */
  get running(): boolean {
    return this.engine?.media.running ?? false;
  }

  /**
   * Starts the engine (cameras, encoders, HTTP server) or, after `stop()`, the cameras and
   * encoders again. Concurrent calls share one start; after a failure the next call tries again.
   */
  async start(): Promise<Engine> {
    this.stopped = false;
    try {
      const engine = this.get();
      await engine.start();
      this.failure = undefined;
      this.served = true;
      if (this.closed) throw new InvalidStateError('the mosaic-engine node was closed (redeployed)');
      return engine;
    } catch (error) {
      this.failure = error;
      throw error;
    }
  }

  /** Resolves with the running engine; rejects when a `stop` command parked it. */
  async whenRunning(): Promise<Engine> {
    if (this.stopped) throw new InvalidStateError('the mosaic is stopped (send mosaic-control "start")');
    return this.start();
  }

  /** Stops the cameras and every mosaic's encoder; the HTTP server keeps its port. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.engine?.media.stop();
  }

  /** Closes the engine (viewers, HTTP server, cameras). Idempotent; never rejects. */
  async close(): Promise<void> {
    this.closed = true;
    await this.engine?.close();
  }
}
