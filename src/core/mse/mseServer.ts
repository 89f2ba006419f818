import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { EnhancedEventEmitter } from '../enhancedEvents';
import type { Fmp4Stream, Unsubscribe } from '../fmp4/fmp4Stream';
import { createLogger, type Logger } from '../logger';
import type { Release } from '../stitcher/demand';
import { MseClient, type MseClientStats } from './mseClient';

export interface MseServerOptions {
  /** Clients at once; the next upgrade gets 503. Default 10. */
  maxClients?: number;
  /** Bytes queued on a client's socket before it skips to the next keyframe. Default 2 MiB. */
  maxBufferedBytes?: number;
  /** How long a client may stay behind before it is dropped. Default 5000. */
  stallDropMs?: number;
  /** WebSocket ping interval; a client that misses a pong by the next one is dropped. Default 15000. */
  pingIntervalMs?: number;
  logger?: Logger;
}

export interface MseServerStats {
  clients: number;
  maxClients: number;
  /** Bytes sent to all clients since the start, codec messages and init segments included. */
  bytesSent: number;
  skips: number;
  /** Clients closed for staying behind or not answering pings. */
  drops: number;
  /** Upgrades refused past `maxClients`. */
  refused: number;
  viewers: MseClientStats[];
}

export interface MseServerEvents extends Record<string, unknown[]> {
  clientjoin: [MseClientStats];
  clientleave: [MseClientStats];
}

/** WebSocket close code 1013, "Try Again Later" (RFC 6455 §7.4, IANA registry): too slow. */
const closeTooSlow = 1013;
/** 1001, "Going Away": the server closes. */
const closeGoingAway = 1001;

/**
 * MSE over WebSocket for one mosaic, as go2rtc's player takes it: a JSON text message with the
 * codec, the init segment, then one fMP4 fragment per access unit, from a keyframe on. The HTTP
 * layer routes an upgrade to `handleUpgrade` (after its token check; a browser's WebSocket
 * cannot send an Authorization header, so the token comes as `?token=`). While it has clients
 * it holds an `mse` lease on the encode.
 */
export class MseServer extends EnhancedEventEmitter<MseServerEvents> {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4096, perMessageDeflate: false });
  private readonly clients = new Map<WebSocket, { client: MseClient; unsubscribe: Unsubscribe }>();
  private readonly maxClients: number;
  private readonly limits: { maxBufferedBytes: number; stallDropMs: number };
  private readonly logger: Logger;
  private readonly alive = new WeakSet<WebSocket>();
  private readonly pingTimer: NodeJS.Timeout;
  private release: Release | undefined;
  private nextId = 1;
  /** Upgrades under way: they count against `maxClients` too. */
  private upgrading = 0;
  private closed = false;
  private totals = { bytesSent: 0, skips: 0, drops: 0, refused: 0 };

  constructor(
    private readonly stream: Fmp4Stream,
    options: MseServerOptions = {},
  ) {
    super();
    this.maxClients = options.maxClients ?? 10;
    this.limits = {
      maxBufferedBytes: options.maxBufferedBytes ?? 2 * 1024 * 1024,
      stallDropMs: options.stallDropMs ?? 5000,
    };
    this.logger = options.logger ?? createLogger('mse');
    this.pingTimer = setInterval(() => this.ping(), options.pingIntervalMs ?? 15_000);
    this.pingTimer.unref();
  }

  /** Mounts on `server` at `path` (exact, query ignored); other upgrades are left to other listeners. */
  attach(server: Server, path: string): void {
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (new URL(request.url ?? '/', 'http://x').pathname === path)
        this.handleUpgrade(request, socket, head);
    });
  }

  /** Takes an HTTP upgrade already routed (and authorized) to this mosaic's MSE endpoint. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.closed || this.clients.size + this.upgrading >= this.maxClients) {
      this.totals.refused++;
      socket.end(
        'HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\nConnection: close\r\nContent-Length: 0\r\n\r\n',
      );
      return;
    }
    this.upgrading++;
    // ws answers a malformed upgrade with 400 itself and never calls back: release the seat then.
    const settle = () => {
      socket.off('close', settle);
      this.upgrading--;
    };
    socket.once('close', settle);
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      settle();
      this.add(ws, request.socket.remoteAddress ?? '');
    });
  }

  stats(): MseServerStats {
    const viewers = [...this.clients.values()].map(({ client }) => client.stats());
    return {
      clients: this.clients.size,
      maxClients: this.maxClients,
      bytesSent: this.totals.bytesSent + viewers.reduce((sum, v) => sum + v.bytesSent, 0),
      skips: this.totals.skips + viewers.reduce((sum, v) => sum + v.skips, 0),
      drops: this.totals.drops,
      refused: this.totals.refused,
      viewers,
    };
  }

  /** Closes every client and refuses new ones; idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.pingTimer);
    for (const ws of [...this.clients.keys()]) ws.close(closeGoingAway, 'server closing');
    for (const ws of [...this.clients.keys()]) this.remove(ws);
    this.wss.close();
  }

  private add(ws: WebSocket, remoteAddress: string): void {
    if (this.closed) {
      ws.close(closeGoingAway, 'server closing');
      return;
    }
    const client = new MseClient(
      this.nextId++,
      remoteAddress,
      ws,
      this.limits,
      () => this.stream.requestKeyframe(),
      (slow, reason) => this.drop(ws, slow, reason),
    );
    this.release ??= this.stream.want('mse');
    const unsubscribe = this.stream.subscribe((fragment) => client.deliver(fragment));
    this.clients.set(ws, { client, unsubscribe });
    this.alive.add(ws);
    ws.on('pong', () => this.alive.add(ws));
    ws.on('close', () => this.remove(ws));
    ws.on('error', () => this.remove(ws));
    this.stream.requestKeyframe();
    this.logger.debug(`client ${client.id} from ${remoteAddress} joined (${this.clients.size} now)`);
    this.safeEmit('clientjoin', client.stats());
  }

  private drop(ws: WebSocket, client: MseClient, reason: string): void {
    this.totals.drops++;
    this.logger.info(`client ${client.id} dropped: ${reason}`);
    ws.close(closeTooSlow, 'too slow');
    // A peer that stopped reading may never answer the close handshake.
    ws.terminate();
    this.remove(ws);
  }

  private remove(ws: WebSocket): void {
    const entry = this.clients.get(ws);
    if (!entry) return;
    this.clients.delete(ws);
    entry.unsubscribe();
    const stats = entry.client.stats();
    this.totals.bytesSent += stats.bytesSent;
    this.totals.skips += stats.skips;
    if (this.clients.size === 0) {
      this.release?.();
      this.release = undefined;
    }
    this.logger.debug(`client ${stats.id} left (${this.clients.size} now)`);
    this.safeEmit('clientleave', stats);
  }

  private ping(): void {
    for (const ws of this.clients.keys()) {
      const entry = this.clients.get(ws);
      if (!this.alive.has(ws) && entry) {
        this.drop(ws, entry.client, 'no pong');
        continue;
      }
      this.alive.delete(ws);
      ws.ping();
    }
  }
}
