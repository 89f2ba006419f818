import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** Named groups of the route's path pattern. */
  params: Readonly<Record<string, string>>;
}

/** One method + path the server answers. */
export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Anchored pattern of the path; named groups become `params`. */
  path: RegExp;
  /** The player page and its files: served without the token, so a browser can load them. */
  public?: boolean;
  /**
   * The token may also come as `?token=` (HLS players fetch segments with no way to add a
   * header); a header still works.
   */
  tokenInQuery?: boolean;
  handle(context: RouteContext): Promise<void> | void;
}

/**
 * A path answered by an HTTP upgrade (MSE's WebSocket). A browser's WebSocket cannot send an
 * Authorization header, so its token always comes as `?token=`.
 */
export interface UpgradeRoute {
  /** Anchored pattern of the path. */
  path: RegExp;
  handle(req: IncomingMessage, socket: Duplex, head: Buffer): void;
}
