import type { AddressInfo } from 'node:net';
import { EnhancedEventEmitter } from './enhancedEvents';
import { InvalidStateError } from './errors';
import type { HttpServer } from './http/httpServer';
import { MosaicPlayback } from './http/mosaicPlayback';
import { createMosaicServer } from './http/mosaicServer';
import { engineStatsDocument, statsDocument, type EngineStatsDocument } from './http/statsDocument';
import type { Tile } from './layout/tile';
import type { LogSink, Logger } from './logger';
import { MediaCore } from './media/mediaCore';
import type { CameraHub, CameraStateEvent } from './stitcher/cameraHub';
import type { Release } from './stitcher/demand';
import type { Stitcher } from './stitcher/stitcher';
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
  /** Overrides `server.rtsp.port` when the RTSP server is on; 0 takes a free port, see `rtspPort`. */
  rtspPort?: number;
  /** More text to mask in logs and stats besides the config's own secrets (MediaCoreOptions.secrets). */
  secrets?: readonly string[];
}

export interface EngineEvents extends Record<string, unknown[]> {
  /** The server listens (once, after the first start that succeeded). */
  start: [];
  close: [];
  /** A viewer joined `mosaic` (the mosaic's name comes after the viewer, so old listeners still work). */
  viewerjoin: [viewer: ViewerStats, mosaic: string];
  /** A viewer of `mosaic` left. */
  viewerleave: [id: string, reason: string, mosaic: string];
  /** A camera's state changed: once per change, however many mosaics show the camera. */
  camerastate: [CameraStateEvent];
  /**
   * @deprecated The same event as `camerastate`, under its old name (README and older listeners
   * use it). Emitted just after `camerastate`.
   */
  tilestate: [CameraStateEvent];
  /** A mosaic's layout changed (setLayout, PUT …/layout). */
  layout: [mosaic: string, tiles: readonly Tile[]];
}

/** One mosaic as the HTTP layer serves it: its encode and the viewers sharing it. */
interface MosaicViewers {
  stitcher: Stitcher;
  sessions: WhepSessions;
  /** MSE and HLS players: the same encode, repackaged as fMP4. */
  playback: MosaicPlayback;
}

/**
 * The HTTP layer over a media core: the mosaics of one config served to browsers. The media core
 * (`media`) owns the cameras and a Stitcher per mosaic; this adds WebRTC viewers per mosaic (each
 * mosaic its own encode) and one HTTP server (page, WHEP, /stats, /metrics, snapshot, layout;
 * each mosaic under /mosaics/<name>/, the first also at the root, which is why only here there is
 * a first mosaic). What the CLI and Node-RED run. `close()` ends viewers, server, mosaics and
 * cameras, in that order; it is idempotent.
 */
export class Engine extends EnhancedEventEmitter<EngineEvents> {
  /** The cameras, mosaics and RTSP server: `media.stop()` parks them while HTTP keeps its port. */
  readonly media: MediaCore;
  /** The cameras, shared by every mosaic (`media.hub`). */
  readonly hub: CameraHub;
  /** Every mosaic by name, in config order (`media.mosaics`). */
  readonly mosaics: ReadonlyMap<string, Stitcher>;
  /** The first mosaic, served at the root: layout, keyframes, snapshots, stats. */
  readonly stitcher: Stitcher;
  private readonly served: MosaicViewers[];
  private readonly server: HttpServer;
  private readonly logger: Logger;
  private address: AddressInfo | undefined;
  private starting: Promise<void> | undefined;
  private closing: Promise<void> | undefined;

  /** Throws ConfigError naming each invalid field. */
  constructor(config: unknown, options: EngineOptions = {}) {
    super();
    this.media = new MediaCore(config, {
      logSink: options.logSink,
      idleAfterMs: options.idleAfterMs,
      secrets: options.secrets,
      rtspHost: options.host,
      rtspPort: options.rtspPort,
    });
    this.logger = this.media.logger('engine');
    this.hub = this.media.hub;
    this.mosaics = this.media.mosaics;
    const { server } = this.media.config;
    const host = options.host ?? server.host;
    const several = this.mosaics.size > 1;
    this.served = [...this.mosaics.values()].map((stitcher) => ({
      stitcher,
      sessions: this.viewersOf(stitcher, several, host, options),
      playback: new MosaicPlayback(stitcher, {
        maxMseClients: server.maxViewers,
        logger: this.media.logger(several ? `playback:${stitcher.mosaic.name}` : 'playback'),
      }),
    }));
    this.stitcher = this.served[0].stitcher;
    this.media.on('camerastate', (event) => {
      this.safeEmit('camerastate', event);
      this.safeEmit('tilestate', event);
    });
    this.media.on('layout', (mosaic, tiles) => this.safeEmit('layout', mosaic, tiles));
    this.server = createMosaicServer(
      this.served.map(({ stitcher, sessions, playback }) => ({
        name: stitcher.mosaic.name,
        control: stitcher,
        sessions,
        playback,
      })),
      {
        host,
        port: options.port ?? server.port,
        token: server.token,
        corsOrigins: server.corsOrigins,
        allowedHosts: server.allowedHosts,
        logger: this.media.logger('http'),
        stats: () => this.stats(),
        rtspStats: (mosaic) => this.media.rtsp?.stats().streams[mosaic],
      },
    );
  }

  /**
   * The mosaic called `name`; the first (the root's) when `name` is undefined. Throws ConfigError
   * (field `mosaic`) for a name the config does not have.
   */
  mosaic(name?: string): Stitcher {
    return name === undefined ? this.stitcher : this.media.mosaic(name);
  }

  /**
   * Starts the cameras and every mosaic (again, after `media.stop()`), then the HTTP server if it
   * does not listen yet. Concurrent calls share one start. On failure (a port in use, a missing
   * font) it rejects once the media core has stopped everything again; a later call tries again.
   */
  start(): Promise<void> {
    if (this.closing) return Promise.reject(new InvalidStateError('engine closed'));
    this.starting ??= this.startOnce().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  /** The bound HTTP port once started (useful with `port: 0`), else 0. */
  get port(): number {
    return this.address?.port ?? 0;
  }

  /** The RTSP server's bound port while it listens (server.rtsp on; `media.rtspPort`), else 0. */
  get rtspPort(): number {
    return this.media.rtspPort;
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
      this.served.map(({ stitcher, sessions, playback }) =>
        statsDocument(stitcher.stats(), sessions.stats(), {
          playback: playback.stats(),
          rtsp: this.media.rtsp?.stats().streams[stitcher.mosaic.name],
        }),
      ),
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

  /** A mosaic's WebRTC viewers: each, from its offer's answer until it leaves, wants the encode. */
  private viewersOf(
    stitcher: Stitcher,
    several: boolean,
    host: string,
    options: EngineOptions,
  ): WhepSessions {
    const { name } = stitcher.mosaic;
    const { server } = this.media.config;
    const sessions = new WhepSessions({
      maxViewers: server.maxViewers,
      ice: iceOptionsForHost(host, server.iceAddresses),
      logger: this.media.logger(several ? `webrtc:${name}` : 'webrtc'),
      requestKeyframe: () => stitcher.requestKeyframe(),
      connectTimeoutMs: options.viewerConnectTimeoutMs,
      disconnectTimeoutMs: options.viewerDisconnectTimeoutMs,
    });
    stitcher.on('accessunit', (unit) => sessions.push(unit));
    const leases = new Map<string, Release>();
    sessions.on('viewerjoin', (viewer) => {
      leases.set(viewer.id, stitcher.want('whep'));
      this.safeEmit('viewerjoin', viewer, name);
    });
    sessions.on('viewerleave', (id, reason) => {
      leases.get(id)?.();
      leases.delete(id);
      this.safeEmit('viewerleave', id, reason, name);
    });
    return sessions;
  }

  private async startOnce(): Promise<void> {
    // A failed media start (the RTSP server's port in use too) has stopped everything it started.
    await this.media.start();
    if (this.address) return;
    try {
      this.address = await this.server.listen();
    } catch (error) {
      // A port in use: the media core stops what it started, so no camera stays pulled.
      await this.media.stop();
      throw error;
    }
    const others = [...this.mosaics.keys()].slice(1).map((name) => `${this.url}/mosaics/${name}/`);
    this.logger.info(
      `serving the mosaic at ${this.url}${others.length ? ` (and ${others.join(', ')})` : ''}`,
    );
    this.safeEmit('start');
  }

  private async closeOnce(): Promise<void> {
    await this.starting?.catch(() => undefined);
    const steps: [string, () => Promise<void>][] = [
      [
        'viewers',
        () => Promise.all(this.served.map(({ sessions }) => sessions.close())).then(() => undefined),
      ],
      ['MSE and HLS players', () => Promise.resolve(this.served.forEach(({ playback }) => playback.close()))],
      ['http server', () => this.server.close()],
      ['mosaics and cameras', () => this.media.close()],
    ];
    for (const [what, step] of steps) {
      await step().catch((error: unknown) =>
        this.logger.error(`closing the ${what} failed: ${String(error)}`),
      );
    }
    this.safeEmit('close');
  }
}
