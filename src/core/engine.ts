import type { AddressInfo } from 'node:net';
import { EnhancedEventEmitter } from './enhancedEvents';
import type { HttpServer } from './http/httpServer';
import { createMosaicServer } from './http/mosaicServer';
import { statsDocument, type StatsDocument } from './http/statsDocument';
import { createLogger, type Logger, type LogSink } from './logger';
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
}

export interface EngineEvents extends Record<string, unknown[]> {
  start: [];
  close: [];
  viewerjoin: [ViewerStats];
  viewerleave: [id: string, reason: string];
  tilestate: [TileStateEvent];
}

/**
 * One mosaic served to browsers: a Stitcher, the WebRTC viewers sharing its encode, and the HTTP
 * server (page, WHEP, /stats, /metrics, /snapshot.jpg, /api/layout). What the CLI, Node-RED and
 * Homebridge run. `close()` ends viewers, server and cameras, in that order; it is idempotent.
 */
export class Engine extends EnhancedEventEmitter<EngineEvents> {
  /** The one door to the native mosaic: layout, keyframes, snapshots, stats. */
  readonly stitcher: Stitcher;
  private readonly sessions: WhepSessions;
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
    this.stitcher = new Stitcher(config, { logger: createLogger('stitcher', sink) });
    const server = this.stitcher.config.server;
    const host = options.host ?? server.host;
    this.sessions = new WhepSessions({
      maxViewers: server.maxViewers,
      ice: iceOptionsForHost(host, server.iceAddresses),
      logger: createLogger('webrtc', sink),
      requestKeyframe: () => this.stitcher.requestKeyframe(),
      connectTimeoutMs: options.viewerConnectTimeoutMs,
      disconnectTimeoutMs: options.viewerDisconnectTimeoutMs,
    });
    this.server = createMosaicServer(this.stitcher, this.sessions, {
      host,
      port: options.port ?? server.port,
      token: server.token,
      logger: createLogger('http', sink),
    });
    this.stitcher.on('accessunit', (unit) => this.sessions.push(unit));
    this.stitcher.on('tilestate', (event) => this.safeEmit('tilestate', event));
    this.sessions.on('viewerjoin', (viewer) => this.safeEmit('viewerjoin', viewer));
    this.sessions.on('viewerleave', (id, reason) => this.safeEmit('viewerleave', id, reason));
  }

  /** Starts the cameras, the encoder and the HTTP server. Rejects (and stops again) on failure. */
  start(): Promise<void> {
    if (this.closing) return Promise.reject(new Error('engine closed'));
    this.starting ??= this.startOnce();
    return this.starting;
  }

  /** The bound HTTP port once started (useful with `port: 0`), else 0. */
  get port(): number {
    return this.address?.port ?? 0;
  }

  /** `http://host:port` of the player page once started. */
  get url(): string {
    if (!this.address) return '';
    const host = ['0.0.0.0', '::'].includes(this.address.address) ? 'localhost' : this.address.address;
    return `http://${host.includes(':') ? `[${host}]` : host}:${this.address.port}`;
  }

  /** The /stats document: output, tiles, cameras (passwords masked), viewers. */
  stats(): StatsDocument {
    return statsDocument(this.stitcher.stats(), this.sessions.stats());
  }

  /** Closes viewers, the HTTP server and the cameras. Idempotent; never rejects. */
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
    await this.stitcher.start();
    try {
      this.address = await this.server.listen();
    } catch (error) {
      await this.stitcher.stop();
      throw error;
    }
    this.logger.info(`serving the mosaic at ${this.url}`);
    this.safeEmit('start');
  }

  private async closeOnce(): Promise<void> {
    await this.starting?.catch(() => undefined);
    const steps: [string, () => Promise<void>][] = [
      ['viewers', () => this.sessions.close()],
      ['http server', () => this.server.close()],
      ['stitcher', () => this.stitcher.stop()],
    ];
    for (const [what, step] of steps) {
      await step().catch((error: unknown) =>
        this.logger.error(`closing the ${what} failed: ${String(error)}`),
      );
    }
    this.safeEmit('close');
  }
}
