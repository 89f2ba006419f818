import type { AddressInfo } from 'node:net';
import { validateConfig } from './config/validateConfig';
import { mosaicDefinitions } from './config/mosaicDefinitions';
import { EnhancedEventEmitter } from './enhancedEvents';
import { ConfigError } from './errors';
import type { HttpServer } from './http/httpServer';
import { createMosaicServer } from './http/mosaicServer';
import { engineStatsDocument, statsDocument, type EngineStatsDocument } from './http/statsDocument';
import type { Tile } from './layout/tile';
import { createLogger, type Logger, type LogSink } from './logger';
import { urlPasswords } from './redact';
import { CameraHub } from './stitcher/cameraHub';
import type { Release } from './stitcher/demand';
import { Stitcher, type TileStateEvent } from './stitcher/stitcher';
import { iceOptionsForHost } from './webrtc/peerConfig';
import type { ViewerStats } from './webrtc/viewer';
import { WhepSessions } from './webrtc/whepSessions';

export interface EngineOptions {
  /** Where every part's log lines go (Node-RED → `node.warn`, Homebridge → `log`); default stderr. */
  logSink?: LogSink;
  /** Overrides `server.port` (the CLI's `--port`); 0 takes a free port, see `engine.port`. */
  port?: number;
  /** Overrides `server.host`. */
  host?: string;
  /** A viewer that has not connected this long after its answer is dropped. Default 15000. */
  viewerConnectTimeoutMs?: number;
  /** A viewer whose connection stays lost this long is dropped. Default 5000. */
  viewerDisconnectTimeoutMs?: number;
  /** With no viewer, output or snapshot this long, a mosaic's encoder rests. Default 30000. */
  idleAfterMs?: number;
}

export interface EngineEvents extends Record<string, unknown[]> {
  start: [];
  close: [];
  /** A viewer joined `mosaic` (the mosaic's name comes after the viewer, so old listeners still work). */
  viewerjoin: [viewer: ViewerStats, mosaic: string];
  /** A viewer of `mosaic` left. */
  viewerleave: [id: string, reason: string, mosaic: string];
  /** A camera's state changed: once per change, however many mosaics show the camera. */
  tilestate: [TileStateEvent];
  /** A mosaic's layout changed (setLayout, PUT …/layout). */
  layout: [mosaic: string, tiles: readonly Tile[]];
}

/** One mosaic's encode and the viewers sharing it. */
interface ServedMosaic {
  stitcher: Stitcher;
  sessions: WhepSessions;
}

/**
 * The mosaics of one config served to browsers: one CameraHub (each camera pulled and decoded
 * once), a Stitcher and its WebRTC viewers per mosaic (each its own encode), and one HTTP server
 * (page, WHEP, /stats, /metrics, snapshot, layout; each mosaic under /mosaics/<name>/, the first
 * also at the root). What the CLI, Node-RED and Homebridge run. `close()` ends viewers, server,
 * mosaics and cameras, in that order; it is idempotent.
 */
export class Engine extends EnhancedEventEmitter<EngineEvents> {
  /** The cameras, shared by every mosaic. */
  readonly hub: CameraHub;
  /** Every mosaic by name, in config order. */
  readonly mosaics: ReadonlyMap<string, Stitcher>;
  /** The first mosaic: layout, keyframes, snapshots, stats (what a one-mosaic config has). */
  readonly stitcher: Stitcher;
  private readonly served: ServedMosaic[];
  private readonly server: HttpServer;
  private readonly logger: Logger;
  private address: AddressInfo | undefined;
  private starting: Promise<void> | undefined;
  private closing: Promise<void> | undefined;

  /** Throws ConfigError naming each invalid field. */
  constructor(config: unknown, options: EngineOptions = {}) {
    super();
    const sink = options.logSink;
    this.logger = createLogger('engine', sink);
    const valid = validateConfig(config);
    const passwords = valid.cameras.flatMap((c) => [c.url, c.subUrl ?? ''].flatMap(urlPasswords));
    this.hub = new CameraHub(valid, { logger: createLogger('cameras', sink, passwords) });
    const definitions = mosaicDefinitions(valid);
    const several = definitions.length > 1;
    const host = options.host ?? valid.server.host;
    this.served = definitions.map(({ name }) => {
      const scope = several ? `:${name}` : '';
      const stitcher = new Stitcher(valid, {
        hub: this.hub,
        mosaic: name,
        logger: createLogger(`stitcher${scope}`, sink, passwords),
        idleAfterMs: options.idleAfterMs,
      });
      const sessions = new WhepSessions({
        maxViewers: valid.server.maxViewers,
        ice: iceOptionsForHost(host, valid.server.iceAddresses),
        logger: createLogger(`webrtc${scope}`, sink),
        requestKeyframe: () => stitcher.requestKeyframe(),
        connectTimeoutMs: options.viewerConnectTimeoutMs,
        disconnectTimeoutMs: options.viewerDisconnectTimeoutMs,
      });
      stitcher.on('accessunit', (unit) => sessions.push(unit));
      stitcher.on('layout', (tiles) => this.safeEmit('layout', name, tiles));
      // Each viewer, from its offer's answer until it leaves, wants the mosaic encoded.
      const viewerLeases = new Map<string, Release>();
      sessions.on('viewerjoin', (viewer) => viewerLeases.set(viewer.id, stitcher.want('whep')));
      sessions.on('viewerleave', (id) => {
        viewerLeases.get(id)?.();
        viewerLeases.delete(id);
      });
      sessions.on('viewerjoin', (viewer) => this.safeEmit('viewerjoin', viewer, name));
      sessions.on('viewerleave', (id, reason) => this.safeEmit('viewerleave', id, reason, name));
      return { stitcher, sessions };
    });
    this.stitcher = this.served[0].stitcher;
    this.mosaics = new Map(this.served.map(({ stitcher }) => [stitcher.mosaic.name, stitcher]));
    this.hub.on('camerastate', (event) => this.safeEmit('tilestate', event));
    this.server = createMosaicServer(
      this.served.map(({ stitcher, sessions }) => ({
        name: stitcher.mosaic.name,
        control: stitcher,
        sessions,
      })),
      {
        host,
        port: options.port ?? valid.server.port,
        token: valid.server.token,
        corsOrigins: valid.server.corsOrigins,
        allowedHosts: valid.server.allowedHosts,
        logger: createLogger('http', sink),
        stats: () => this.stats(),
      },
    );
  }

  /**
   * The mosaic called `name`; the first when `name` is undefined. Throws ConfigError (field
   * `mosaic`) for a name the config does not have.
   */
  mosaic(name?: string): Stitcher {
    if (name === undefined) return this.stitcher;
    const found = this.mosaics.get(name);
    if (found) return found;
    const known = [...this.mosaics.keys()].join(', ');
    throw new ConfigError([
      { field: 'mosaic', reason: `no mosaic named ${JSON.stringify(name)} (known: ${known})` },
    ]);
  }

  /** Starts the cameras, every mosaic's encoder and the HTTP server. Rejects (and stops again) on failure. */
  start(): Promise<void> {
    if (this.closing) return Promise.reject(new Error('engine closed'));
    this.starting ??= this.startOnce();
    return this.starting;
  }

  /** The bound HTTP port once started (useful with `port: 0`), else 0. */
  get port(): number {
    return this.address?.port ?? 0;
  }

  /** `http://host:port` of the first mosaic's player page once started (others: `${url}/mosaics/<name>/`). */
  get url(): string {
    if (!this.address) return '';
    const host = ['0.0.0.0', '::'].includes(this.address.address) ? 'localhost' : this.address.address;
    return `http://${host.includes(':') ? `[${host}]` : host}:${this.address.port}`;
  }

  /**
   * The /stats document: the first mosaic's (output, tiles, viewers) at the top level, every
   * mosaic's under `mosaics`, and every camera once (passwords masked) with its streams.
   */
  stats(): EngineStatsDocument {
    return engineStatsDocument(
      this.served.map(({ stitcher, sessions }) => statsDocument(stitcher.stats(), sessions.stats())),
    );
  }

  /** Closes viewers, the HTTP server, the mosaics and the cameras. Idempotent; never rejects. */
  close(): Promise<void> {
    this.closing ??= this.closeOnce();
    return this.closing;
  }

  protected override onListenerError(event: string, error: unknown): void {
    this.logger.error(
      `a "${event}" listener threw: ${error instanceof Error ? error.message : String(error)}`,
    );
  }

  private async startOnce(): Promise<void> {
    try {
      await this.startMedia();
      this.address = await this.server.listen();
    } catch (error) {
      await this.stopMedia();
      throw error;
    }
    const others = [...this.mosaics.keys()].slice(1).map((name) => `${this.url}/mosaics/${name}/`);
    this.logger.info(
      `serving the mosaic at ${this.url}${others.length ? ` (and ${others.join(', ')})` : ''}`,
    );
    this.safeEmit('start');
  }

  /**
   * Starts the cameras, then each mosaic that is not running (again after stopMedia()); the HTTP
   * server is left as it is.
   */
  async startMedia(): Promise<void> {
    this.hub.start();
    for (const { stitcher } of this.served) if (!stitcher.running) await stitcher.start();
  }

  /** Stops every mosaic, then the cameras; the HTTP server keeps its port. Logs instead of rejecting. */
  async stopMedia(): Promise<void> {
    await Promise.all(
      this.served.map(({ stitcher }) =>
        stitcher
          .stop()
          .catch((error: unknown) =>
            this.logger.error(`stopping mosaic ${stitcher.mosaic.name} failed: ${String(error)}`),
          ),
      ),
    );
    await this.hub
      .stop()
      .catch((error: unknown) => this.logger.error(`stopping the cameras failed: ${String(error)}`));
  }

  private async closeOnce(): Promise<void> {
    await this.starting?.catch(() => undefined);
    const steps: [string, () => Promise<void>][] = [
      [
        'viewers',
        () => Promise.all(this.served.map(({ sessions }) => sessions.close())).then(() => undefined),
      ],
      ['http server', () => this.server.close()],
      ['mosaics and cameras', () => this.stopMedia()],
    ];
    for (const [what, step] of steps) {
      await step().catch((error: unknown) =>
        this.logger.error(`closing the ${what} failed: ${String(error)}`),
      );
    }
    this.safeEmit('close');
  }
}
