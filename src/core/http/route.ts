import type { IncomingMessage, ServerResponse } from 'node:http';

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
  handle(context: RouteContext): Promise<void> | void;
}
