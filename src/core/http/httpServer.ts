import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from '../logger';
import { bearerTokenMatches } from './bearerToken';
import { BrowserGuard } from './browserGuard';
import { answerOverflowWith503, defaultMaxConnections, isDescriptorExhaustion } from './connectionBudget';
import { enforceHeaderDeadline } from './headerDeadline';
import { HttpError } from './httpError';
import { send, sendJson } from './responses';
import type { Route, UpgradeRoute } from './route';
import { tokenFromQuery, withoutToken } from './queryToken';

export interface HttpServerOptions {
  /** Address to listen on, e.g. `0.0.0.0` or `127.0.0.1`. */
  host: string;
  /** TCP port; 0 picks a free one (see `port` after `listen()`). */
  port: number;
  /** When set, every route but the page needs `Authorization: Bearer <token>`. */
  token?: string;
  /** Origins whose pages may read responses and send offers and layouts. Default none. */
  corsOrigins?: readonly string[];
  /** Host names a request may name, beyond IP literals, `localhost` and this machine's name. */
  allowedHosts?: readonly string[];
  logger: Logger;
  /** A request whose headers take longer is dropped (slowloris). Default 10000. */
  headersTimeoutMs?: number;
  /** A whole request (headers and body) must arrive within this. Default 30000. */
  requestTimeoutMs?: number;
  /** An idle keep-alive connection is closed after this. Default 5000. */
  keepAliveTimeoutMs?: number;
  /** A socket with no traffic either way for this long (a stalled reader) is closed. Default 60000. */
  socketIdleTimeoutMs?: number;
  /**
   * Connections held at once; more are answered 503 and closed on arrival (and past 32 more,
   * closed without a word). Default a quarter of `ulimit -n`.
   */
  maxConnections?: number;
  /** Paths answered by an HTTP upgrade (WebSocket), after the Host, Origin and token checks. */
  upgrades?: readonly UpgradeRoute[];
}

/** Connections past maxConnections that still get a 503 rather than a bare close. */
const overflowAnswered = 32;

/** Repeated trouble (connections dropped, descriptors out) is logged at most this often. */
const troubleLogIntervalMs = 10_000;

/**
 * The HTTP side (node:http, no framework): routing, what browsers may do (CORS, Host, cross-site
 * writes), the bearer token, timeouts, and errors as status codes with a reason — a bad request
 * never takes the server down.
 */
export class HttpServer {
  private readonly server: Server;
  private readonly guard: BrowserGuard;
  private closing: Promise<void> | undefined;
  private readonly troubleLoggedAt = new Map<string, number>();
  private readonly refusedSocket: (socket: Socket) => boolean;

  constructor(
    private readonly routes: readonly Route[],
    private readonly options: HttpServerOptions,
  ) {
    this.guard = new BrowserGuard({
      corsOrigins: options.corsOrigins,
      allowedHosts: options.allowedHosts,
      listenHost: options.host,
    });
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.headersTimeout = options.headersTimeoutMs ?? 10_000;
    enforceHeaderDeadline(this.server, this.server.headersTimeout);
    this.server.requestTimeout = options.requestTimeoutMs ?? 30_000;
    this.server.keepAliveTimeout = options.keepAliveTimeoutMs ?? 5000;
    this.server.timeout = options.socketIdleTimeoutMs ?? 60_000;
    this.server.maxHeadersCount = 100;
    const maxConnections = options.maxConnections ?? defaultMaxConnections();
    this.server.maxConnections = maxConnections + overflowAnswered;
    this.refusedSocket = answerOverflowWith503(this.server, maxConnections, () =>
      this.logTrouble('busy', `answering new connections 503: ${maxConnections} open (maxConnections)`),
    );
    this.server.on('clientError', (_error, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.upgrade(req, socket, head),
    );
    this.server.on('drop', () =>
      this.logTrouble('drop', `closing new connections: ${this.server.maxConnections} open`),
    );
  }

  /** Starts listening; resolves with the bound address. */
  listen(): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.server.once('error', onError);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', onError);
        // After listening, an error is an accept that failed (EMFILE): log it, keep serving.
        this.server.on('error', (error) =>
          this.logTrouble('accept', `accepting a connection failed: ${error.message}`),
        );
        const address = this.server.address() as AddressInfo;
        const warning = openBindWarning(this.options.host, address.port, this.options.token);
        if (warning) this.options.logger.warn(warning);
        resolve(address);
      });
    });
  }

  /** The bound port (after `listen()`), else 0. */
  get port(): number {
    const address = this.server.address();
    return address && typeof address === 'object' ? address.port : 0;
  }

  /** Stops listening and drops every connection, idle or not. Idempotent. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closing = new Promise((resolve) => {
      if (!this.server.listening) {
        resolve();
        return;
      }
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    return this.closing;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Already answered 503 on arrival (answerOverflowWith503): the socket is closing.
    if (this.refusedSocket(req.socket)) return;
    const started = Date.now();
    try {
      const url = requestUrl(req.url ?? '/');
      this.guard.checkHost(req);
      const preflight = req.method === 'OPTIONS';
      for (const [name, value] of Object.entries(this.guard.corsHeaders(req, preflight))) {
        res.setHeader(name, value);
      }
      if (preflight) {
        // Browsers send it without credentials, so it never needs the token; an origin not
        // listed gets no Access-Control-Allow-Origin, which the browser takes as a refusal.
        res.writeHead(204, { 'Content-Length': '0' });
        res.end();
        return;
      }
      this.guard.checkCrossSite(req);
      const found = this.match(req.method ?? 'GET', url.pathname);
      if (!found.public) this.checkToken(req, found.route.tokenInQuery ? url : undefined);
      await found.route.handle({ req, res, url, params: found.params });
    } catch (error) {
      this.fail(req, res, error);
    } finally {
      this.options.logger.debug(
        `${req.method} ${withoutToken(req.url ?? '/')} → ${res.statusCode} in ${Date.now() - started} ms`,
      );
    }
  }

  /** An upgrade (MSE's WebSocket): the same Host and token checks as a request, and its Origin. */
  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    if (this.refusedSocket(req.socket)) return;
    let status = 101;
    try {
      const url = requestUrl(req.url ?? '/');
      this.guard.checkHost(req);
      this.guard.checkWebSocketOrigin(req);
      const route = this.options.upgrades?.find((r) => r.path.test(url.pathname));
      if (!route) throw new HttpError(404, 'not found');
      this.checkToken(req, url);
      route.handle(req, socket, head);
    } catch (error) {
      status = error instanceof HttpError ? error.status : 500;
      if (!(error instanceof HttpError)) {
        this.options.logger.error(`upgrade ${withoutToken(req.url ?? '/')}: ${String(error)}`);
      }
      const reason = error instanceof HttpError ? error.message : 'internal error';
      socket.end(
        `HTTP/1.1 ${status} ${reason.replace(/[\r\n]/g, ' ')}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
      );
    } finally {
      this.options.logger.debug(`upgrade ${withoutToken(req.url ?? '/')} → ${status}`);
    }
  }

  private match(
    method: string,
    pathname: string,
  ): { route: Route; params: Record<string, string>; public: boolean } {
    const onPath = this.routes.filter((r) => r.path.test(pathname));
    if (onPath.length === 0) throw new HttpError(404, 'not found');
    const route = onPath.find((r) => r.method === method || (method === 'HEAD' && r.method === 'GET'));
    if (!route) {
      const allow = [...new Set(onPath.map((r) => r.method)), 'OPTIONS'].join(', ');
      throw new HttpError(405, `${method} is not allowed here`, { Allow: allow });
    }
    return { route, params: { ...route.path.exec(pathname)?.groups }, public: route.public === true };
  }

  /** With `url`, a `?token=` in it is taken as well as the header. */
  private checkToken(req: IncomingMessage, url?: URL): void {
    const { token } = this.options;
    if (token === undefined) return;
    const fromQuery = url ? tokenFromQuery(url) : undefined;
    const authorization = fromQuery !== undefined ? `Bearer ${fromQuery}` : req.headers.authorization;
    if (!bearerTokenMatches(authorization, token)) {
      throw new HttpError(401, 'a valid bearer token is required', {
        'WWW-Authenticate': 'Bearer realm="camera-mosaic"',
      });
    }
  }

  private fail(req: IncomingMessage, res: ServerResponse, error: unknown): void {
    if (error instanceof HttpError) {
      // A refused body was not read to the end: close the connection rather than parse the rest.
      const headers = error.status === 413 ? { ...error.headers, Connection: 'close' } : { ...error.headers };
      sendJson(
        res,
        error.status,
        { error: error.message, ...(error.issues ? { issues: error.issues } : {}) },
        headers,
      );
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    if (isDescriptorExhaustion(error)) {
      this.logTrouble('descriptors', `refusing requests with 503: out of file descriptors (${message})`);
      sendJson(
        res,
        503,
        { error: 'the server is out of file descriptors; try again later' },
        { 'Retry-After': '5' },
      );
      return;
    }
    this.options.logger.error(`${req.method} ${req.url}: ${message}`);
    send(res, 500, JSON.stringify({ error: 'internal error' }), {
      'Content-Type': 'application/json; charset=utf-8',
    });
  }

  /** One line per kind of trouble per 10 s: a flood must not become a flood of log lines. */
  private logTrouble(kind: string, message: string): void {
    const now = Date.now();
    if (now - (this.troubleLoggedAt.get(kind) ?? -Infinity) < troubleLogIntervalMs) return;
    this.troubleLoggedAt.set(kind, now);
    this.options.logger.error(message);
  }
}

/**
 * The request target as a URL. Its path is taken as a path even when it starts with `//`, which
 * `new URL(target, base)` would read as a host (`//stats` served `/`, `//` threw: issue found by
 * the fuzzer, test/soak/fuzz.test.ts).
 */
function requestUrl(target: string): URL {
  try {
    return new URL(target.startsWith('/') ? `http://localhost${target}` : target);
  } catch {
    throw new HttpError(400, 'malformed request target');
  }
}

/**
 * What to say when the server listens beyond loopback without a token: browsers are kept out
 * (browserGuard.ts), other machines on the network are not.
 */
export function openBindWarning(host: string, port: number, token: string | undefined): string | undefined {
  const loopback = host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
  if (token !== undefined || loopback) return undefined;
  return (
    `listening on ${host}:${port} without server.token: anyone on the network can watch the ` +
    'cameras and change the layout (set a token, or host 127.0.0.1)'
  );
}
