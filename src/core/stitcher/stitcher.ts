import { validateConfig, validateLayout } from '../config/validateConfig';
import type { MosaicConfig } from '../config/types';
import { EnhancedEventEmitter } from '../enhancedEvents';
import { InvalidStateError } from '../errors';
import { resolveLayout } from '../layout/resolveLayout';
import type { Tile } from '../layout/tile';
import { createLogger, type Logger } from '../logger';
import { redactUrl, urlPasswords } from '../redact';
import { loadNativeAddon } from './nativeBinding';
import type { NativePublisherState, NativeSourceState, NativeStitcher, NativeStitcherOptions } from './nativeTypes';
import { publishTargets } from './publishTargets';
import { validateRendition } from '../config/validateRendition';
import { renditionSettings, type Rendition } from './rendition';
import { RenditionRegistry } from './renditionRegistry';
import { buildStats, type StitcherStats } from './stitcherStats';

/** One encoded H.264 access unit of the mosaic. */
export interface AccessUnit {
  /** Annex-B byte stream; keyframes carry SPS and PPS. */
  data: Buffer;
  /** Presentation time in 90 kHz ticks (the RTP video clock), continuous across re-layouts. */
  pts: number;
  /** An IDR: a new viewer can start here. */
  keyframe: boolean;
}

export type CameraState = NativeSourceState;

/** A camera's state changed; every tile showing it shows the change. */
export interface TileStateEvent {
  camera: string;
  state: CameraState;
  /** Epoch ms of the change. */
  since: number;
  /** Why it went offline, passwords masked; absent when there is no error. */
  error?: string;
}

/** An output (a media server the mosaic is published to) changed state. */
export interface OutputStateEvent {
  output: string;
  state: NativePublisherState;
  since: number;
  error?: string;
}

export interface StitcherEvents extends Record<string, unknown[]> {
  accessunit: [AccessUnit];
  tilestate: [TileStateEvent];
  outputstate: [OutputStateEvent];
  layout: [readonly Tile[]];
  start: [];
  stop: [];
}

export interface StitcherOptions {
  /** Where log lines go; defaults to stderr. */
  logger?: Logger;
}

export interface SnapshotOptions {
  /** Output width; height follows the canvas aspect when only one side is given. */
  width?: number;
  height?: number;
  /** JPEG quality 1..100, default 80. */
  quality?: number;
}

/**
 * The one door to the native mosaic: cameras in, encoded access units out. Validates its config
 * (ajv) before native code sees it; all media work runs on native threads and the JS thread only
 * receives finished access units and state changes.
 */
export class Stitcher extends EnhancedEventEmitter<StitcherEvents> {
  readonly config: MosaicConfig;
  private readonly logger: Logger;
  private currentTiles: readonly Tile[];
  private native: NativeStitcher | undefined;
  private renditions: RenditionRegistry | undefined;
  private stopping: Promise<void> | undefined;
  private startedAt = 0;
  private readonly cameraStates = new Map<string, TileStateEvent>();

  /** Throws ConfigError naming each invalid field. */
  constructor(config: unknown, options: StitcherOptions = {}) {
    super();
    this.config = validateConfig(config);
    const passwords = this.config.cameras.flatMap((c) => urlPasswords(c.url));
    this.logger = options.logger ?? createLogger('stitcher', undefined, passwords);
    this.currentTiles = resolveLayout(this.config.layout, this.config.output, this.cameraNames());
  }

  get running(): boolean {
    return this.native !== undefined;
  }

  get tiles(): readonly Tile[] {
    return this.currentTiles;
  }

  /** Connects the cameras and starts encoding. Throws InvalidStateError when already running. */
  async start(): Promise<void> {
    if (this.stopping) await this.stopping;
    if (this.native) throw new InvalidStateError('stitcher already running');
    const native = new (loadNativeAddon().Stitcher)(this.nativeOptions());
    const now = Date.now();
    for (const camera of this.config.cameras) {
      this.cameraStates.set(camera.name, { camera: camera.name, state: 'connecting', since: now });
    }
    const renditions = new RenditionRegistry(native, this.config.output.preset);
    native.start(
      (data, pts, keyframe, rendition) => {
        if (rendition === 0) this.safeEmit('accessunit', { data, pts, keyframe });
        else renditions.deliver(rendition, { data, pts, keyframe });
      },
      (name, state, error, kind) => {
        if (kind === 'camera') this.onSourceState(name, state as NativeSourceState, error);
        else this.onOutputState(name, state as NativePublisherState, error);
      },
    );
    this.native = native;
    this.renditions = renditions;
    this.startedAt = now;
    const { width, height, fps } = this.config.output;
    this.logger.info(`started: ${this.config.cameras.length} cameras → ${width}x${height}@${fps}`);
    this.safeEmit('start');
  }

  /** Stops every camera and the encoder; resolves when all native threads have ended. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopping) return this.stopping;
    const native = this.native;
    if (!native) return;
    this.renditions?.closeAll();
    this.stopping = native.stop().finally(() => {
      this.native = undefined;
      this.renditions = undefined;
      this.stopping = undefined;
      this.cameraStates.clear();
      this.logger.info('stopped');
      this.safeEmit('stop');
    });
    return this.stopping;
  }

  /**
   * Rearranges the tiles between two output frames: no encoder restart, continuous timestamps,
   * cameras that stay are not reconnected. Accepts a preset or explicit tiles; throws ConfigError.
   */
  setLayout(layout: unknown): readonly Tile[] {
    const tiles = validateLayout(layout, this.config.output, this.cameraNames());
    this.currentTiles = tiles;
    this.native?.setLayout(tiles.map((t) => ({ ...t })));
    this.safeEmit('layout', tiles);
    return tiles;
  }

  /** Asks for an IDR soon; a burst of requests makes one. */
  requestKeyframe(): void {
    this.native?.requestKeyframe();
  }

  /**
   * Another encoding of the mosaic at its own size, rate and bitrate (e.g. for HomeKit), made on
   * demand and shared by everyone asking for the same settings; `close()` it when done. Throws
   * ConfigError for bad settings, InvalidStateError when not running.
   */
  openRendition(request: unknown): Rendition {
    const settings = renditionSettings(validateRendition(request), this.config.output.fps);
    if (!this.renditions) throw new InvalidStateError('stitcher not running: no rendition to open');
    return this.renditions.open(settings);
  }

  /** A JPEG of the current canvas. Throws InvalidStateError when not running. */
  async snapshot(options: SnapshotOptions = {}): Promise<Buffer> {
    if (!this.native) throw new InvalidStateError('stitcher not running: no picture to snapshot');
    return this.native.snapshot(options);
  }

  /** Counters for /stats, /metrics and monitoring; no passwords. */
  stats(): StitcherStats {
    return buildStats({
      config: this.config,
      tiles: this.currentTiles,
      native: this.native?.stats(),
      startedAt: this.startedAt,
      renditions: this.renditions?.encodings ?? 0,
      cameraStates: this.cameraStates,
    });
  }

  /** Camera URL as safe to show a user. */
  displayUrl(camera: string): string | undefined {
    const found = this.config.cameras.find((c) => c.name === camera);
    return found ? redactUrl(found.url) : undefined;
  }

  protected override onListenerError(event: string, error: unknown): void {
    this.logger.error(`a "${event}" listener threw: ${error instanceof Error ? error.message : String(error)}`);
  }

  private onSourceState(camera: string, state: NativeSourceState, error: string): void {
    if (!this.native) return;
    const event: TileStateEvent = { camera, state, since: Date.now(), ...(error ? { error } : {}) };
    const previous = this.cameraStates.get(camera);
    this.cameraStates.set(camera, event);
    if (previous?.state === state && previous.error === event.error) return;
    const log = state === 'offline' ? this.logger.warn : this.logger.info;
    log(`camera ${camera}: ${state}${error ? ` (${error})` : ''}`);
    this.safeEmit('tilestate', event);
  }

  private onOutputState(output: string, state: NativePublisherState, error: string): void {
    if (!this.native) return;
    const log = state === 'offline' ? this.logger.warn : this.logger.info;
    log(`output ${output}: ${state}${error ? ` (${error})` : ''}`);
    this.safeEmit('outputstate', { output, state, since: Date.now(), ...(error ? { error } : {}) });
  }

  private cameraNames(): string[] {
    return this.config.cameras.map((c) => c.name);
  }

  private nativeOptions(): NativeStitcherOptions {
    const { output } = this.config;
    return {
      cameras: this.config.cameras.map((c) => ({ name: c.name, url: c.url, transport: c.transport })),
      output: {
        width: output.width,
        height: output.height,
        fps: output.fps,
        bitrate: output.bitrate,
        gop: output.gop,
        preset: output.preset,
        profile: output.profile,
      },
      tiles: this.currentTiles.map((t) => ({ ...t })),
      staleTimeoutMs: this.config.staleTimeoutMs,
      outputs: publishTargets(this.config.outputs).map(({ native }) => native),
    };
  }
}
