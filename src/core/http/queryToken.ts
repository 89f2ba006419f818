/**
 * The token as a query parameter, for what cannot send an Authorization header: a browser's
 * WebSocket (MSE) and an HLS player fetching segments. Such URLs reach logs, so every request
 * line we log goes through `withoutToken`.
 */
export function tokenFromQuery(url: URL): string | undefined {
  return url.searchParams.get('token') ?? undefined;
}

/** `target` (a request line's path and query) with any `token=` value masked. */
export function withoutToken(target: string): string {
  return target.replace(/([?&]token=)[^&#]*/gi, '$1***');
}
