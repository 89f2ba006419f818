/** A request the server refuses, with the status and the reason the client will read. */
export class HttpError extends Error {
  override readonly name = 'HttpError';

  constructor(
    readonly status: number,
    message: string,
    /** Extra response headers, e.g. `Allow` with a 405 or `Retry-After` with a 503. */
    readonly headers: Readonly<Record<string, string>> = {},
    /** Field-named problems of a rejected document (ConfigError issues). */
    readonly issues?: readonly { field: string; reason: string }[],
  ) {
    super(message);
  }
}
