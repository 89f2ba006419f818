import { mosaicDefinitions } from '../config/mosaicDefinitions';
import { configSecrets } from '../config/redactIssues';
import { rtspServerOn } from '../config/serverSchema';
import type { MosaicConfig } from '../config/types';
import { validConfig } from '../config/validConfig';
import { EnhancedEventEmitter } from '../enhancedEvents';
import { ConfigError, InvalidStateError } from '../errors';
import type { Tile } from '../layout/tile';
import { createLogger, type Logger, type LogSink } from '../logger';
import { listenMosaics } from '../rtsp/listenMosaics';
import type { RtspServer } from '../rtsp/rtspServer';
import { CameraHub, type CameraStateEvent, type MotionEvent } from '../stitcher/cameraHub';
import { Stitcher, type OutputStateEvent } from '../stitcher/stitcher';
import { SerialRuns } from './serialRuns';

export interface MediaCoreOptions {
  /** Where every part's log lines go (Node-RED → `node.warn`, Homebridge → `log`); default stderr. */
  logSink?: LogSink;
  /** With no viewer, output or snapshot this long, a mosaic's encoder rests. Default 30000. */
  idleAfterMs?: number;
  /**
   * More text to mask wherever it shows, besides the config's own secrets (camera and publish
   * URL passwords, the token): e.g. the passwords Node-RED keeps in its credentials.
   */
  secrets?: readonly string[];
  /** Overrides `server.host` as where the RTSP server listens when `server.rtsp` names no host. */
  rtspHost?: string;
  /** Overrides `server.rtsp.port` when the RTSP server is on; 0 takes a free port, see `rtspPort`. */
  rtspPort?: number;
}

export interface MediaCoreEvents extends Record<string, unknown[]> {
  /** A camera's state changed: once per change, however many mosaics show the camera. */
  camerastate: [CameraStateEvent];
  /** A camera's motion started or ended. */
  motion: [MotionEvent];
  /** A mosaic's layout changed (setLayout, an `auto` layout's director). */
  layout: [mosaic: string, tiles: readonly Tile[]];
  /** A publishing output of `mosaic` changed state. */
  outputstate: [mosaic: string, event: OutputStateEvent];
  /** The cameras and every mosaic run, and the RTSP server listens if on (after `start()`). */
  start: [];
  /** The cameras, every mosaic and the RTSP server stopped (after `stop()`, `close()`, or a failed `start()` while they ran). */
  stop: [];
}

/**
 * The media of one config: its cameras (one CameraHub, each camera pulled and decoded once),
 * every mosaic (a Stitcher each) over them, and the built-in RTSP server when `server.rtsp` is on
 * (each mosaic repackaged, no second encode). It validates the config once, collects its secrets
 * once (every logger it hands out masks them), and has one start, one stop and one cleanup path:
 * a start that fails anywhere (a missing font, an encoder that will not open, the RTSP port in
 * use) stops everything it had started before rejecting, so no camera stays pulled. Starts and
 * stops run one at a time. Faces build on it: the HTTP layer (Engine) for the CLI and Node-RED,
 * the Homebridge platform directly; so every face serves RTSP the same way. The RTSP server lives
 * here rather than beside HTTP because it needs nothing of HTTP, and Homebridge has no HTTP.
 */
export class MediaCore extends EnhancedEventEmitter<MediaCoreEvents> {
  /** The validated config (defaults applied, frozen). */
  readonly config: MosaicConfig;
  /** What every logger of this core masks: the config's secrets and `options.secrets`. */
  readonly secrets: readonly string[];
  /** The cameras, shared by every mosaic. */
  readonly hub: CameraHub;
  /** Every mosaic by name, in config order. */
  readonly mosaics: ReadonlyMap<string, Stitcher>;
  private readonly sink: LogSink | undefined;
  private readonly log: Logger;
  private readonly rtspListen: { host: string; port: number | undefined };
  /** Listening from a start (with server.rtsp on) to the next stop. */
  private rtspServer: RtspServer | undefined;
  private readonly runs = new SerialRuns<'start' | 'stop'>();
  /** Whether `start` was emitted and `stop` not yet. */
  private announced = false;
  private closing: Promise<void> | undefined;

  /** Throws ConfigError naming each invalid field; a config validated before is taken as it is. */
  constructor(document: unknown, options: MediaCoreOptions = {}) {
    super();
    this.config = validConfig(document);
    const extra = (options.secrets ?? []).filter((s) => s !== '');
    this.secrets = [...new Set([...configSecrets(this.config), ...extra])];
    this.sink = options.logSink;
    this.log = this.logger('media');
    this.rtspListen = { host: options.rtspHost ?? this.config.server.host, port: options.rtspPort };
    this.hub = new CameraHub(this.config, { logger: this.logger('cameras'), secrets: this.secrets });
    this.hub.on('camerastate', (event) => this.safeEmit('camerastate', event));
    this.hub.on('motion', (event) => this.safeEmit('motion', event));
    const definitions = mosaicDefinitions(this.config);
    const several = definitions.length > 1;
    this.mosaics = new Map(
      definitions.map(({ name }) => {
        const stitcher = new Stitcher(this.config, {
          hub: this.hub,
          mosaic: name,
          logger: this.logger(several ? `stitcher:${name}` : 'stitcher'),
          idleAfterMs: options.idleAfterMs,
        });
        stitcher.on('layout', (tiles) => this.safeEmit('layout', name, tiles));
        stitcher.on('outputstate', (event) => this.safeEmit('outputstate', name, event));
        return [name, stitcher];
      }),
    );
  }

  /** A logger for a part built on this core (`scope` names it): the same sink, the secrets masked. */
  logger(scope: string): Logger {
    return createLogger(scope, this.sink, this.secrets);
  }

  /** The RTSP server while it listens (server.rtsp on, between a start and a stop). */
  get rtsp(): RtspServer | undefined {
    return this.rtspServer;
  }

  /** The RTSP server's bound port while it listens, else 0. */
  get rtspPort(): number {
    return this.rtspServer?.port ?? 0;
  }

  /** Whether the cameras and every mosaic run now. */
  get running(): boolean {
    return this.hub.running && [...this.mosaics.values()].every((stitcher) => stitcher.running);
  }

  /** The mosaic called `name`. Throws ConfigError (field `mosaic`) for a name the config lacks. */
  mosaic(name: string): Stitcher {
    const found = this.mosaics.get(name);
    if (found) return found;
    const known = [...this.mosaics.keys()].join(', ');
    throw new ConfigError([
      { field: 'mosaic', reason: `no mosaic named ${JSON.stringify(name)} (known: ${known})` },
    ]);
  }

  /**
   * Starts the cameras, then each mosaic that is not running. Concurrent calls share one start.
   * Rejects when any part fails, once everything it started has stopped again; a later call tries
   * again. Rejects with InvalidStateError after `close()`.
   */
  start(): Promise<void> {
    if (this.closing) return Promise.reject(new InvalidStateError('media core closed'));
    return this.runs.run('start', () => this.startNow());
  }

  /** Stops every mosaic, then the cameras; resolves when their threads have ended. Never rejects. */
  stop(): Promise<void> {
    return this.runs.run('stop', () => this.stopNow());
  }

  /** Stops, then starts again (e.g. after the network came back); rejects as `start()` does. */
  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** Stops everything for good; `start()` rejects afterwards. Idempotent; never rejects. */
  close(): Promise<void> {
    this.closing ??= this.stop();
    return this.closing;
  }

  protected override onListenerError(event: string, error: unknown): void {
    this.log.error(`a "${event}" listener threw: ${message(error)}`);
  }

  private async startNow(): Promise<void> {
    try {
      await this.hub.start();
      for (const stitcher of this.mosaics.values()) if (!stitcher.running) await stitcher.start();
      const rtsp = rtspServerOn(this.config.server);
      if (rtsp && !this.rtspServer) {
        this.rtspServer = await listenMosaics(rtsp, this.mosaics, {
          ...this.rtspListen,
          logger: this.logger('rtsp'),
        });
      }
    } catch (error) {
      // The one cleanup path: whatever this start got to, nothing keeps running.
      await this.stopNow();
      throw error;
    }
    if (this.announced) return;
    this.announced = true;
    this.safeEmit('start');
  }

  private async stopNow(): Promise<void> {
    // Its clients first: a stopped mosaic sends nothing, and the port is free for the next start.
    const rtsp = this.rtspServer;
    this.rtspServer = undefined;
    await rtsp
      ?.close()
      .catch((error: unknown) => this.log.error(`closing the RTSP server failed: ${message(error)}`));
    await Promise.all(
      [...this.mosaics.values()].map((stitcher) =>
        stitcher
          .stop()
          .catch((error: unknown) =>
            this.log.error(`stopping mosaic ${stitcher.mosaic.name} failed: ${message(error)}`),
          ),
      ),
    );
    await this.hub
      .stop()
      .catch((error: unknown) => this.log.error(`stopping the cameras failed: ${message(error)}`));
    if (!this.announced) return;
    this.announced = false;
    this.safeEmit('stop');
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
