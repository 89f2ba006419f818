import type { AutoLayoutConfig, LayoutConfig } from '../config/layoutSchema';
import { checkLayout } from '../config/validateConfig';
import { validConfig } from '../config/validConfig';
import { mosaicDefinitions, type MosaicDefinition } from '../config/mosaicDefinitions';
import type { MosaicConfig } from '../config/types';
import { EnhancedEventEmitter } from '../enhancedEvents';
import { ConfigError, InvalidStateError } from '../errors';
import { AutoLayoutDirector, autoLayoutTiles } from '../layout/autoLayoutDirector';
import { resolveLayout } from '../layout/resolveLayout';
import type { Tile } from '../layout/tile';
import { createLogger, type Logger } from '../logger';
import { redactText } from '../redact';
import { loadNativeAddon } from './nativeBinding';
import { CameraHub, type CameraStateEvent, type MotionEvent } from './cameraHub';
import { checkFontFile } from './fontFile';
import { nativeStitcherOptions, nativeTiles } from './nativeStitcherOptions';
import type { NativePublisherState, NativeStitcher } from './nativeTypes';
import { publishTargets } from './publishTargets';
import { validateRendition } from '../config/validateRendition';
import { renditionSettings, type Rendition } from './rendition';
import { RenditionRegistry } from './renditionRegistry';
import { buildStats, type StitcherStats } from './stitcherStats';
import { Demand, type Release } from './demand';
import {
  DEFAULT_IDLE_AFTER_MS,
  type SnapshotOptions,
  type StitcherEvents,
  type StitcherOptions,
} from './stitcherTypes';

export type { CameraState, CameraStateEvent, TileStateEvent } from './cameraHub';
export {
  DEFAULT_IDLE_AFTER_MS,
  type AccessUnit,
  type OutputStateEvent,
  type SnapshotOptions,
  type StitcherEvents,
  type StitcherOptions,
} from './stitcherTypes';

/**
 * The one door to the native mosaic: cameras in, encoded access units out. Its config is
 * validated (ajv) once before native code sees it, by itself or by the media core that shares its
 * hub; all media work runs on native threads and the JS thread only receives finished access
 * units and state changes. A start that fails leaves nothing of itself running, its own hub
 * included.
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
  private readonly forwardCameraState = (event: CameraStateEvent): void => {
    if (!this.native) return;
    this.safeEmit('camerastate', event);
    this.safeEmit('tilestate', event);
  };
  /** The layout as last given (preset or tiles), for an `auto` layout's director. */
  private layoutConfig: LayoutConfig | undefined;
  private director: AutoLayoutDirector | undefined;
  private readonly forwardMotion = (event: MotionEvent): void => this.director?.motion(event);
  private readonly demand: Demand;
  /** Tile problems already logged, as `camera: reason`: each is logged once. */
  private readonly loggedProblems = new Set<string>();

  /**
   * Throws ConfigError naming each invalid field (or an unknown `options.mosaic`). A config that
   * was validated already (a media core's, a hub's) is not validated again.
   */
  constructor(config: unknown, options: StitcherOptions = {}) {
    super();
    this.config = options.hub?.config ?? validConfig(config);
    const mosaics = mosaicDefinitions(this.config);
    const mosaic = options.mosaic === undefined ? mosaics[0] : mosaics.find((m) => m.name === options.mosaic);
    if (!mosaic) {
      const known = mosaics.map((m) => m.name).join(', ');
      throw new ConfigError([
        { field: 'mosaic', reason: `no mosaic named ${JSON.stringify(options.mosaic)} (known: ${known})` },
      ]);
    }
    this.mosaic = mosaic;
    this.ownsHub = options.hub === undefined;
    this.hub = options.hub ?? new CameraHub(this.config, { logger: options.logger });
    this.logger = options.logger ?? createLogger('stitcher', undefined, this.hub.secrets);
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
    if (this.ownsHub) {
      await this.hub.start();
      // Again: another start() may have finished while the cameras were opening.
      if (this.native) throw new InvalidStateError('stitcher already running');
    }
    let native: NativeStitcher;
    let renditions: RenditionRegistry;
    try {
      native = new (loadNativeAddon().Stitcher)(
        nativeStitcherOptions(this.config, this.mosaic, this.currentTiles),
        this.hub.pool,
      );
      renditions = new RenditionRegistry(native, this.mosaic.output.preset);
      // Native start opens the encoder (no libx264, an encoder that will not open): it may throw.
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
    } catch (error) {
      // Nothing of this run is kept (`native` stays unset, so stop() has nothing to stop): the
      // cameras it opened must close here or they stay pulled.
      if (this.ownsHub) await this.hub.stop();
      throw error;
    }
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
    const stats = buildStats({
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
    // Camera errors come masked from the hub; a publisher's error is masked here.
    const outputs = stats.outputs.map((o) => ({
      ...o,
      lastError: redactText(o.lastError, this.hub.secrets),
    }));
    return { ...stats, outputs };
  }

  /** Camera URL as safe to show a user. */
  displayUrl(camera: string): string | undefined {
    return this.hub.displayUrl(camera);
  }

  protected override onListenerError(event: string, error: unknown): void {
    this.logger.error(
      `a "${event}" listener threw: ${error instanceof Error ? error.message : String(error)}`,
    );
  }

  /** Hands the tiles to the compositor, and only once it took them, keeps and announces them. */
  private applyTiles(tiles: readonly Tile[]): void {
    try {
      this.native?.setLayout(nativeTiles(this.mosaic, tiles));
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
    error = redactText(error, this.hub.secrets);
    const log = state === 'offline' ? this.logger.warn : this.logger.info;
    log(`output ${output}: ${state}${error ? ` (${error})` : ''}`);
    this.safeEmit('outputstate', { output, state, since: Date.now(), ...(error ? { error } : {}) });
  }

  private cameraNames(): string[] {
    return this.config.cameras.map((c) => c.name);
  }
}
