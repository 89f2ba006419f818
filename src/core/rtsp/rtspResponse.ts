/** Reason phrases of the status codes we send (RFC 2326 §7.1.1). */
const reasons: Record<number, string> = {
  200: 'OK',
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Request Entity Too Large',
  451: 'Parameter Not Understood',
  454: 'Session Not Found',
  455: 'Method Not Valid in This State',
  459: 'Aggregate Operation Not Allowed',
  461: 'Unsupported Transport',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
  505: 'RTSP Version Not Supported',
};

/** Header name → value; an array repeats the field (two WWW-Authenticate challenges). */
export type RtspHeaders = Record<string, string | number | readonly string[] | undefined>;

/** The methods we answer, for `Public` (OPTIONS) and `Allow` (405). */
export const supportedMethods = [
  'OPTIONS',
  'DESCRIBE',
  'SETUP',
  'PLAY',
  'PAUSE',
  'TEARDOWN',
  'GET_PARAMETER',
  'SET_PARAMETER',
] as const;

/** A complete response, head and body, ready for the socket. */
export function rtspResponse(
  status: number,
  cseq: string | undefined,
  headers: RtspHeaders = {},
  body: string = '',
): Buffer {
  const lines = [`RTSP/1.0 ${status} ${reasons[status] ?? 'Error'}`];
  if (cseq !== undefined) lines.push(`CSeq: ${cseq}`);
  lines.push('Server: camera-mosaic', `Date: ${new Date().toUTCString()}`);
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${String(one)}`);
  }
  const bodyBytes = Buffer.from(body, 'utf8');
  if (bodyBytes.length > 0) lines.push(`Content-Length: ${bodyBytes.length}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), bodyBytes]);
}
