import type { IncomingMessage } from 'node:http';
import { hostname } from 'node:os';
import { isIP } from 'node:net';
import { HttpError } from './httpError';

export interface BrowserGuardOptions {
  /** Origins (`https://dash.example:8443`) whose pages may read responses and change state. */
  corsOrigins?: readonly string[];
  /** Host names, beyond IP literals, `localhost` and this machine's name, a request may name. */
  allowedHosts?: readonly string[];
  /** The listen address: a name given there is one clients use. */
  listenHost?: string;
}

/** What the WHEP player needs of a cross-origin page: its methods, headers and the Location. */
const preflightHeaders: Readonly<Record<string, string>> = {
  'Access-Control-Allow-Methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
  'Access-Control-Allow-Headers': 'Authorization, Content-Type, If-Match',
  'Access-Control-Max-Age': '600',
};

const stateChanging = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * What a browser may do with the server. No CORS unless `corsOrigins` lists the page's origin;
 * a Host header naming anything but us is refused (DNS rebinding: a page on evil.example whose
 * name now resolves to 127.0.0.1 is same-origin to its browser, but still sends
 * `Host: evil.example`); and a page from another origin cannot POST, PUT, PATCH or DELETE even
 * blind (a form or `no-cors` fetch needs no CORS to send).
 */
export class BrowserGuard {
  private readonly origins: ReadonlySet<string>;
  private readonly hosts: ReadonlySet<string>;

  constructor(options: BrowserGuardOptions = {}) {
    this.origins = new Set((options.corsOrigins ?? []).map((o) => o.toLowerCase()));
    const own = hostname().toLowerCase();
    // mDNS: a Raspberry Pi called `pi` is browsed as `pi.local`, a name only the LAN can answer.
    const names = ['localhost', own, `${own}.local`, ...(options.allowedHosts ?? [])];
    if (options.listenHost && isIP(options.listenHost) === 0) names.push(options.listenHost);
    this.hosts = new Set(names.map(bareName));
  }

  /** Throws 421 when the Host header names a host that is not ours. A missing Host is no browser. */
  checkHost(req: IncomingMessage): void {
    const host = req.headers.host;
    if (host === undefined || host === '') return;
    const name = hostName(host);
    if (name === undefined) throw new HttpError(400, 'malformed Host header');
    if (isIP(name) !== 0 || this.hosts.has(name)) return;
    throw new HttpError(
      421,
      `host ${JSON.stringify(name)} is not served here: add it to server.allowedHosts`,
    );
  }

  /** The CORS headers for this request's Origin: none unless corsOrigins lists it. */
  corsHeaders(req: IncomingMessage, preflight: boolean): Record<string, string> {
    const origin = req.headers.origin;
    const headers: Record<string, string> = { Vary: 'Origin' };
    if (origin === undefined || !this.origins.has(origin.toLowerCase())) return headers;
    return {
      ...headers,
      'Access-Control-Allow-Origin': origin,
      'Access-Control-Expose-Headers': 'Location, ETag, Link',
      ...(preflight ? preflightHeaders : {}),
    };
  }

  /**
   * Throws 403 for a WebSocket opened by a page of another, unlisted origin. Browsers apply no
   * CORS to WebSockets: any page may open one to us, with the user's cookies, and read every
   * message, so the Origin header (which a page cannot forge) is the only gate. A client that
   * is no browser sends none.
   */
  checkWebSocketOrigin(req: IncomingMessage): void {
    const origin = req.headers.origin;
    if (origin === undefined || this.origins.has(origin.toLowerCase())) return;
    if (sameHost(origin, req.headers.host)) return;
    throw new HttpError(403, `origin ${JSON.stringify(origin)} is not in server.corsOrigins`);
  }

  /** Throws 403 for a state-changing request sent by a page of another, unlisted origin. */
  checkCrossSite(req: IncomingMessage): void {
    if (!stateChanging.has(req.method ?? 'GET')) return;
    const origin = req.headers.origin;
    if (origin !== undefined && this.origins.has(origin.toLowerCase())) return;
    const site = req.headers['sec-fetch-site'];
    if (site === 'cross-site' || site === 'same-site') {
      throw new HttpError(
        403,
        `a ${site} request cannot ${req.method} here: its origin is not in server.corsOrigins`,
      );
    }
    if (origin === undefined || sameHost(origin, req.headers.host)) return;
    throw new HttpError(403, `origin ${JSON.stringify(origin)} is not in server.corsOrigins`);
  }
}

/**
 * Whether the page's origin names the host the request was sent to. The scheme is not compared:
 * behind a TLS proxy that keeps the Host header the page is `https://` and we see plain HTTP.
 */
function sameHost(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false;
  try {
    return new URL(origin).host === new URL(`http://${host}`).host;
  } catch {
    return false; // `null` (a sandboxed frame, a file) and other non-URLs are never us
  }
}

/** `Example.COM.` → `example.com`, `[::1]` → `::1`. */
function bareName(name: string): string {
  const lower = name.toLowerCase().replace(/\.$/, '');
  return lower.startsWith('[') && lower.endsWith(']') ? lower.slice(1, -1) : lower;
}

/** The name of a Host header (`name`, `name:port`, `[v6]:port`), or undefined if malformed. */
function hostName(host: string): string | undefined {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::\d{1,5})?$/.exec(host);
  return match ? bareName(match[1] ?? '') : undefined;
}
