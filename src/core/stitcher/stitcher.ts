import type { AutoLayoutConfig, LayoutConfig } from '../config/layoutSchema';
import { checkLayout, validateConfig } from '../config/validateConfig';
import { mosaicDefinitions, type MosaicDefinition } from '../config/mosaicDefinitions';
import type { MosaicConfig } from '../config/types';
import { EnhancedEventEmitter } from '../enhancedEvents';
import { ConfigError, InvalidStateError } from '../errors';
import { AutoLayoutDirector, autoLayoutTiles } from '../layout/autoLayoutDirector';
import { resolveLayout } from '../layout/resolveLayout';
import type { Tile } from '../layout/tile';
import { createLogger, type Logger } from '../logger';
import { redactUrl, urlPasswords } from '../redact';
import { loadNativeAddon } from './nativeBinding';
import { CameraHub, type MotionEvent, type TileStateEvent } from './cameraHub';
import { defaultFontPath } from './defaultFont';
import { checkFontFile } from './fontFile';
import type { NativePublisherState, NativeStitcher, NativeStitcherOptions, NativeTile } from './nativeTypes';
import { publishTargets } from './publishTargets';
import { validateRendition } from '../config/validateRendition';
import { renditionSettings, type Rendition } from './rendition';
import { RenditionRegistry } from './renditionRegistry';
import { buildStats, type StitcherStats } from './stitcherStats';
import { Demand, type Release } from './demand';

/** One encoded H.264 access unit of the mosaic. */
export interface AccessUnit {
  /** Annex-B byte stream; keyframes carry SPS and PPS. */
  data: Buffer;
  /** Presentation time in 90 kHz ticks (the RTP video clock), continuous across re-layouts. */
  pts: number;
  /** An IDR: a new viewer can start here. */
  keyframe: boolean;
}

export type { CameraState, TileStateEvent } from './cameraHub';

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
  /**
   * The cameras, shared with other mosaics of the same config (whose validated config is then
   * used, not the constructor's); its owner starts and stops it. Left out, the Stitcher makes
   * its own and starts and stops it with itself.
   */
  hub?: CameraHub;
  /** Which of the config's `mosaics` this is; the first when left out. */
  mosaic?: string;
  /**
   * With no lease (`want()`) this long, the encoder rests until the next one. Default 30000;
   * Infinity keeps encoding. Outputs in the config hold a lease for as long as the mosaic lives.
   */
  idleAfterMs?: number;
}

/** After this long unwanted the encoder rests (StitcherOptions.idleAfterMs). */
export const DEFAULT_IDLE_AFTER_MS = 30_000;

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
  /** This mosaic's name, output, layout, labels and outputs. */
  readonly mosaic: MosaicDefinition;
  readonly hub: CameraHub;
  private readonly ownsHub: boolean;
  private readonly logger: Logger;
  private currentTiles: readonly Tile[];
  private native: NativeStitcher | undefined;
  private renditions: RenditionRegistry | undefined;
  private stopping: Promise<void> | undefined;
  private startedAt = 0;
  private readonly forwardCameraState = (event: TileStateEvent): void => {
    if (this.native) this.safeEmit('tilestate', event);
  };
  /** The layout as last given (preset or tiles), for an `auto` layout's director. */
  private layoutConfig: LayoutConfig | undefined;
  private director: AutoLayoutDirector | undefined;
  private readonly forwardMotion = (event: MotionEvent): void => this.director?.motion(event);
  private readonly demand: Demand;
  /** Tile problems already logged, as `camera: reason`: each is logged once. */
  private readonly loggedProblems = new Set<string>();

  /** Throws ConfigError naming each invalid field (or an unknown `options.mosaic`). */
  constructor(config: unknown, options: StitcherOptions = {}) {
    super();
    this.config = options.hub?.config ?? validateConfig(config);
    const mosaics = mosaicDefinitions(this.config);
    const mosaic = options.mosaic === undefined ? mosaics[0] : mosaics.find((m) => m.name === options.mosaic);
    if (!mosaic) {
      const known = mosaics.map((m) => m.name).join(', ');
      throw new ConfigError([
        { field: 'mosaic', reason: `no mosaic named ${JSON.stringify(options.mosaic)} (known: ${known})` },
      ]);
    }
    this.mosaic = mosaic;
    const passwords = this.config.cameras.flatMap((c) => [c.url, c.subUrl ?? ''].flatMap(urlPasswords));
    this.logger = options.logger ?? createLogger('stitcher', undefined, passwords);
    this.ownsHub = options.hub === undefined;
    this.hub = options.hub ?? new CameraHub(this.config, { logger: this.logger });
    this.currentTiles = resolveLayout(this.mosaic.layout, this.mosaic.output, this.cameraNames());
    this.layoutConfig = this.mosaic.layout;
    this.demand = new Demand(options.idleAfterMs ?? DEFAULT_IDLE_AFTER_MS);
    // A media server published to is always watching.
    if (publishTargets(this.mosaic.outputs).length > 0) this.demand.want('output');
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
    const { font } = this.mosaic.labels;
    if (font !== undefined) await checkFontFile(font, `${this.mosaic.fieldPrefix}labels.font`);
    // Again: another start() may have finished while the font was being read.
    if (this.native) throw new InvalidStateError('stitcher already running');
    if (this.ownsHub) this.hub.start();
    let native: NativeStitcher;
    try {
      native = new (loadNativeAddon().Stitcher)(this.nativeOptions(), this.hub.pool);
    } catch (error) {
      if (this.ownsHub) await this.hub.stop();
      throw error;
    }
    const renditions = new RenditionRegistry(native, this.mosaic.output.preset);
    native.start(
      (data, pts, keyframe, rendition) => {
        if (rendition === 0) this.safeEmit('accessunit', { data, pts, keyframe });
        else renditions.deliver(rendition, { data, pts, keyframe });
      },
      (id, state, error, kind) => {
        if (kind === 'tile') this.onTileProblem(id, error);
        else if (state !== 'problem') this.onOutputState(id, state, error);
      },
    );
    this.native = native;
    this.renditions = renditions;
    this.demand.attach((idle) => {
      try {
        native.setIdle(idle);
      } catch (error) {
        // Called from a timer: a throw here would end the host (Homebridge, Node-RED).
        this.logger.error(`cannot ${idle ? 'rest' : 'wake'} the encoder: ${String(error)}`);
        return;
      }
      this.logger.info(idle ? 'nobody watching: the encoder rests' : 'watched again: encoding');
    });
    this.startedAt = Date.now();
    this.hub.on('camerastate', this.forwardCameraState);
    this.hub.on('motion', this.forwardMotion);
    this.followMotion(this.layoutConfig);
    const { width, height, fps } = this.mosaic.output;
    this.logger.info(`started: ${this.config.cameras.length} cameras → ${width}x${height}@${fps}`);
    this.safeEmit('start');
  }

  /** Stops every camera and the encoder; resolves when all native threads have ended. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopping) return this.stopping;
    const native = this.native;
    if (!native) return;
    this.renditions?.closeAll();
    this.demand.detach();
    this.hub.off('camerastate', this.forwardCameraState);
    this.hub.off('motion', this.forwardMotion);
    this.followMotion(undefined);
    this.stopping = native
      .stop()
      .then(() => (this.ownsHub ? this.hub.stop() : undefined))
      .finally(() => {
        this.native = undefined;
        this.renditions = undefined;
        this.stopping = undefined;
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
    const checked = checkLayout(layout, this.mosaic.output, this.cameraNames());
    // The compositor first: a layout it refuses must leave nothing of itself behind.
    this.applyTiles(checked.tiles);
    this.layoutConfig = checked.layout;
    if (this.native) this.followMotion(checked.layout);
    return checked.tiles;
  }

  /**
   * A lease on the encode: while any is held (and for `idleAfterMs` after the last is released)
   * the mosaic is encoded; with none it rests. `reason` names the holder in stats (`whep`,
   * `homekit`, `record`…). Call the returned function once done; leases outlive stop/start.
   */
  want(reason: string): Release {
    return this.demand.want(reason);
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
    const settings = renditionSettings(validateRendition(request), this.mosaic.output.fps);
    if (!this.renditions) throw new InvalidStateError('stitcher not running: no rendition to open');
    return this.renditions.open(settings);
  }

  /** A JPEG of the current canvas. Throws InvalidStateError when not running. */
  async snapshot(options: SnapshotOptions = {}): Promise<Buffer> {
    if (!this.native) throw new InvalidStateError('stitcher not running: no picture to snapshot');
    // Someone looking at stills may well want the video next; the canvas itself is current even
    // while the encoder rests, so the picture comes at once.
    const release = this.want('snapshot');
    try {
      return await this.native.snapshot(options);
    } finally {
      release();
    }
  }

  /** Counters for /stats, /metrics and monitoring; no passwords. */
  stats(): StitcherStats {
    return buildStats({
      config: this.config,
      mosaic: this.mosaic,
      tiles: this.currentTiles,
      native: this.native?.stats(),
      streams: this.hub.streams(),
      startedAt: this.startedAt,
      renditions: this.renditions?.encodings ?? 0,
      wanted: this.demand.wanted,
      cameraState: (camera) => this.hub.cameraState(camera),
    });
  }

  /** Camera URL as safe to show a user. */
  displayUrl(camera: string): string | undefined {
    const found = this.config.cameras.find((c) => c.name === camera);
    return found ? redactUrl(found.url) : undefined;
  }

  protected override onListenerError(event: string, error: unknown): void {
    this.logger.error(
      `a "${event}" listener threw: ${error instanceof Error ? error.message : String(error)}`,
    );
  }

  /** Hands the tiles to the compositor, and only once it took them, keeps and announces them. */
  private applyTiles(tiles: readonly Tile[]): void {
    try {
      this.native?.setLayout(this.nativeTiles(tiles));
    } catch (error) {
      // The schema bounds every field to what the compositor accepts; should they ever drift
      // apart, its refusal is still the user's bad layout (a 400), not our crash (a 500).
      if (!(error instanceof RangeError || error instanceof TypeError)) throw error;
      throw new ConfigError([{ field: 'layout', reason: `refused by the compositor: ${error.message}` }]);
    }
    this.currentTiles = tiles;
    this.safeEmit('layout', tiles);
  }

  /**
   * An `auto` layout gets a director that moves the camera with the latest motion into the big
   * tile (held `holdMs`, back to the first after `quietMs` of quiet); any other layout, none.
   */
  private followMotion(layout: LayoutConfig | undefined): void {
    this.director?.close();
    this.director = undefined;
    if (!layout || !('preset' in layout) || layout.preset !== 'auto') return;
    const auto: AutoLayoutConfig = layout;
    this.director = new AutoLayoutDirector({
      cameras: auto.cameras,
      holdMs: auto.holdMs,
      quietMs: auto.quietMs,
      onChange: (big) => {
        this.logger.info(`auto layout: ${big} in the big tile`);
        this.applyTiles(autoLayoutTiles(auto, big, this.mosaic.output));
      },
    });
    // Cameras already moving count at once, as if their motion had just started.
    for (const camera of auto.cameras) {
      const motion = this.hub.motion(camera);
      if (motion?.active) this.director.motion(motion);
    }
  }

  /** A tile cannot paint its camera's frames: logged once per camera and reason, never silent. */
  private onTileProblem(camera: string, problem: string): void {
    const key = `${camera}: ${problem}`;
    if (!this.native || this.loggedProblems.has(key)) return;
    this.loggedProblems.add(key);
    this.logger.warn(`tile of camera ${camera} shows no picture: ${problem}`);
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
    const { output, labels } = this.mosaic;
    const fontPath = labels.font ?? defaultFontPath();
    return {
      output: {
        width: output.width,
        height: output.height,
        fps: output.fps,
        bitrate: output.bitrate,
        gop: output.gop,
        preset: output.preset,
        profile: output.profile,
      },
      tiles: this.nativeTiles(this.currentTiles),
      staleTimeoutMs: this.config.staleTimeoutMs,
      outputs: publishTargets(this.mosaic.outputs).map(({ native }) => native),
      ...(fontPath ? { fontPath } : {}),
      labelCorner: labels.position,
    };
  }

  /** Tiles as the compositor takes them: the mosaic's label settings unless a tile says otherwise. */
  private nativeTiles(tiles: readonly Tile[]): NativeTile[] {
    const { names, clock } = this.mosaic.labels;
    return tiles.map((tile) => ({ ...tile, label: tile.label ?? names, clock: tile.clock ?? clock }));
  }
}
