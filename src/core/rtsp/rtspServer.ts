import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { EnhancedEventEmitter } from '../enhancedEvents';
import { InvalidStateError } from '../errors';
import { createLogger, type Logger } from '../logger';
import { RtspAuth } from './rtspAuth';
import { RtspConnection, type RtspConnectionHost } from './rtspConnection';
import { rtspResponse } from './rtspResponse';
import { RtspSession } from './rtspSession';
import { RtspStream, type RtspStreamSource, type RtspStreamStats } from './rtspStream';
import type {
  RtspClientEvent,
  RtspServerEvents,
  RtspServerOptions,
  RtspServerStats,
} from './rtspServerTypes';

export type {
  RtspClientEvent,
  RtspServerEvents,
  RtspServerOptions,
  RtspServerStats,
} from './rtspServerTypes';
export type { RtspStreamSource, RtspStreamStats } from './rtspStream';
import { sessionTransport } from './sessionTransport';
import type { TransportRequest } from './transportHeader';
import { bindUdpPair, type UdpPair } from './udpPair';

/** RTCP sender reports every 5 s (RFC 3550 §6.2's minimum interval). */
const reportIntervalMs = 5000;
const tickMs = 1000;
const maxSessionsPerConnection = 4;

/**
 * An RTSP/1.0 server (RFC 2326) for named H.264 streams at `rtsp://host:port/<name>`, with RTP
 * over TCP (interleaved) or UDP unicast. Each stream's units are packetized once and written to
 * every client; a client starts on a keyframe, and one that cannot keep up skips to the next or
 * is dropped. Streams come through `RtspStreamSource`, never an Engine.
 */
export class RtspServer extends EnhancedEventEmitter<RtspServerEvents> implements RtspConnectionHost {
  readonly auth: RtspAuth | undefined;
  readonly describeTimeoutMs: number;
  readonly sessionTimeoutS: number;
  private readonly options: Required<Omit<RtspServerOptions, 'username' | 'password' | 'logger'>>;
  private readonly logger: Logger;
  private readonly streams = new Map<string, RtspStream>();
  private readonly aliases = new Map<string, string>();
  private readonly sessions = new Map<string, { session: RtspSession; connection: RtspConnection }>();
  private readonly connections = new Set<RtspConnection>();
  private readonly rejected = { malformed: 0, unauthorized: 0, full: 0 };
  private tcp: Server | undefined;
  private udp: UdpPair | undefined;
  private ticker: NodeJS.Timeout | undefined;
  private lastReportAt = 0;
  private closed = false;

  constructor(options: RtspServerOptions = {}) {
    super();
    this.options = {
      port: options.port ?? 8554,
      host: options.host ?? '0.0.0.0',
      maxClients: options.maxClients ?? 20,
      sessionTimeoutMs: options.sessionTimeoutMs ?? 60_000,
      maxBufferedBytes: options.maxBufferedBytes ?? 2 * 1024 * 1024,
      stallDropMs: options.stallDropMs ?? 10_000,
      headerTimeoutMs: options.headerTimeoutMs ?? 10_000,
      describeTimeoutMs: options.describeTimeoutMs ?? 5000,
    };
    const { username, password } = options;
    this.auth =
      username !== undefined && password !== undefined ? new RtspAuth({ username, password }) : undefined;
    this.logger = options.logger ?? createLogger('rtsp', undefined, password === undefined ? [] : [password]);
    this.describeTimeoutMs = this.options.describeTimeoutMs;
    this.sessionTimeoutS = Math.max(1, Math.round(this.options.sessionTimeoutMs / 1000));
  }

  /** The TCP port listened on (after `listen()`). */
  get port(): number {
    const address = this.tcp?.address();
    return typeof address === 'object' && address !== null ? address.port : 0;
  }

  /** The UDP pair RTP and RTCP are sent from, once listening (none when it could not be bound). */
  get udpPorts(): readonly [number, number] | undefined {
    return this.udp?.ports;
  }

  /** Opens the TCP port and the UDP pair; resolves once both are bound (UDP is best effort). */
  async listen(): Promise<void> {
    if (this.closed) throw new InvalidStateError('rtsp server closed');
    if (this.tcp) throw new InvalidStateError('rtsp server already listening');
    const { port, host } = this.options;
    const tcp = createServer((socket) => this.onConnection(socket));
    this.tcp = tcp;
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen({ port, host }, () => {
        tcp.off('error', reject);
        resolve();
      });
    });
    // Past listen, an accept error (EMFILE) must not end the process.
    tcp.on('error', (error) => this.logger.warn(`rtsp server: ${error.message}`));
    try {
      this.udp = await bindUdpPair(host);
      for (const socket of [this.udp.rtp, this.udp.rtcp]) {
        socket.on('error', () => undefined);
        socket.on('message', (_data, from) => this.onDatagram(from.address, from.port));
      }
    } catch (error) {
      this.logger.warn(`RTP over UDP unavailable, TCP only: ${String(error)}`);
    }
    this.ticker = setInterval(() => this.tick(), tickMs);
    this.ticker.unref();
    const udpNote = this.udp ? `, RTP/UDP ${this.udp.ports.join('-')}` : '';
    this.logger.info(`listening on rtsp://${host}:${this.port}/${udpNote}`);
  }

  /** Serves `source` at `rtsp://host:port/<name>`. Throws InvalidStateError for a name in use. */
  addStream(name: string, source: RtspStreamSource): void {
    if (this.streams.has(name) || this.aliases.has(name))
      throw new InvalidStateError(`stream ${name} exists`);
    this.streams.set(name, new RtspStream(name, source));
  }

  /** Serves stream `name` also at `/<alias>` (e.g. the first mosaic at `/mosaic`). */
  addAlias(alias: string, name: string): void {
    if (this.streams.has(alias) || this.aliases.has(alias))
      throw new InvalidStateError(`stream ${alias} exists`);
    this.aliases.set(alias, name);
  }

  /** Stops serving `name` (and its aliases); its clients are disconnected. */
  removeStream(name: string): void {
    const stream = this.streams.get(name);
    if (!stream) return;
    for (const { session } of [...this.sessions.values()]) {
      if (session.stream === stream) this.closeSession(session, 'stream removed');
    }
    for (const [alias, target] of this.aliases) if (target === name) this.aliases.delete(alias);
    this.streams.delete(name);
    stream.close();
  }

  stats(): RtspServerStats {
    const streams: Record<string, RtspStreamStats> = {};
    let clients = 0;
    for (const [name, stream] of this.streams) {
      streams[name] = stream.stats();
      clients += streams[name].clients;
    }
    return {
      clients,
      sessions: this.sessions.size,
      connections: this.connections.size,
      maxClients: this.options.maxClients,
      rejected: { ...this.rejected },
      streams,
    };
  }

  /** Disconnects everyone and releases the ports. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.ticker);
    for (const { session } of [...this.sessions.values()]) this.closeSession(session, 'server closed');
    for (const connection of this.connections) connection.socket.destroy();
    for (const stream of this.streams.values()) stream.close();
    const tcp = this.tcp;
    if (tcp) await new Promise<void>((resolve) => tcp.close(() => resolve()));
    if (this.udp) for (const socket of [this.udp.rtp, this.udp.rtcp]) socket.close();
    this.safeEmit('close');
  }

  resolveStream(path: string): RtspStream | undefined {
    const lookup = (name: string) => this.streams.get(this.aliases.get(name) ?? name);
    return lookup(path) ?? lookup(path.replace(/\/trackID=\d+$/, ''));
  }

  findSession(id: string): RtspSession | undefined {
    return this.sessions.get(id)?.session;
  }

  openSession(
    connection: RtspConnection,
    stream: RtspStream,
    transport: TransportRequest,
    trackUrl: string,
  ): { session: RtspSession; transportReply: string } | { status: number; reason: string } {
    if (this.sessions.size >= this.options.maxClients) {
      this.rejected.full++;
      return { status: 503, reason: `at most ${this.options.maxClients} RTSP clients` };
    }
    // A player sets up one session per connection (one track); a stranger must not take every slot.
    if (connection.sessions.size >= maxSessionsPerConnection) {
      this.rejected.full++;
      return { status: 503, reason: `at most ${maxSessionsPerConnection} sessions per connection` };
    }
    const chosen = sessionTransport(transport, connection, this.udp, stream.ssrc);
    if (!chosen) return { status: 461, reason: 'RTP over UDP unavailable, use TCP' };
    const session = new RtspSession({
      id: randomBytes(8).toString('hex'),
      stream,
      remoteAddress: connection.remoteAddress,
      trackUrl,
      output: chosen.output,
      transport: chosen.kind,
      channels: chosen.channels,
      clientPorts: chosen.clientPorts,
      maxBufferedBytes: this.options.maxBufferedBytes,
      stallDropMs: this.options.stallDropMs,
      onStalled: (stalled) => this.onStalled(stalled),
    });
    this.sessions.set(session.id, { session, connection });
    this.logger.info(`client ${connection.remoteAddress} set up ${stream.name} over ${session.transport}`);
    this.safeEmit('clientjoin', this.clientEvent(session));
    return { session, transportReply: chosen.reply };
  }

  closeSession(session: RtspSession, reason: string): void {
    const entry = this.sessions.get(session.id);
    if (!entry) return;
    this.sessions.delete(session.id);
    entry.connection.sessions.delete(session);
    session.close();
    this.logger.info(`client ${session.remoteAddress} left ${session.stream.name} (${reason})`);
    this.safeEmit('clientleave', { ...this.clientEvent(session), reason });
  }

  countRejected(kind: 'malformed' | 'unauthorized'): void {
    this.rejected[kind]++;
  }

  protected override onListenerError(event: string, error: unknown): void {
    this.logger.error(
      `a "${event}" listener threw: ${error instanceof Error ? error.message : String(error)}`,
    );
  }

  private onConnection(socket: Socket): void {
    // Past twice the clients (each may hold a second connection for UDP control), answer and close.
    if (this.closed || this.connections.size >= Math.max(8, 2 * this.options.maxClients)) {
      this.rejected.full++;
      socket.on('error', () => undefined);
      socket.end(rtspResponse(503, undefined, { Connection: 'close' }), () => socket.destroy());
      setTimeout(() => socket.destroy(), 2000).unref();
      return;
    }
    socket.setNoDelay(true);
    const connection = new RtspConnection(socket, this);
    this.connections.add(connection);
    socket.once('close', () => {
      this.connections.delete(connection);
      // UDP sessions end with their connection too: players keep it open while they play.
      for (const session of [...connection.sessions]) this.closeSession(session, 'disconnected');
    });
  }

  private onStalled(session: RtspSession): void {
    const entry = this.sessions.get(session.id);
    if (!entry) return;
    this.logger.warn(`client ${session.remoteAddress} on ${session.stream.name} cannot keep up: dropped`);
    this.closeSession(session, 'too slow');
    if (session.transport === 'tcp') entry.connection.socket.destroy();
  }

  private onDatagram(address: string, port: number): void {
    const from = address.replace(/^::ffff:/, '');
    for (const { session } of this.sessions.values()) {
      if (session.remoteAddress === from && session.clientPorts?.includes(port))
        session.lastSeenAt = Date.now();
    }
  }

  private tick(): void {
    const now = Date.now();
    const { headerTimeoutMs, sessionTimeoutMs } = this.options;
    for (const connection of this.connections) connection.tick(now, headerTimeoutMs, sessionTimeoutMs);
    const report = now - this.lastReportAt >= reportIntervalMs;
    if (report) this.lastReportAt = now;
    for (const { session } of [...this.sessions.values()]) {
      if (session.transport === 'udp' && now - session.lastSeenAt > sessionTimeoutMs) {
        this.closeSession(session, 'timed out');
      } else if (report) {
        session.sendReport(now);
      }
    }
  }

  private clientEvent(session: RtspSession): RtspClientEvent {
    return {
      stream: session.stream.name,
      session: session.id,
      address: session.remoteAddress,
      transport: session.transport,
    };
  }
}
