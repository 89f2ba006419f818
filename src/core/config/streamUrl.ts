/**
 * The one check of a camera's or a publishing output's URL, used by the config schema (as the Ajv
 * formats `cameraUrl` and `publishUrl`, see configFormats.ts) and by whatever takes a URL at run
 * time. A URL FFmpeg cannot open for its form (`rtsp://host:99999/x`, `rtsp://`) is a config error
 * here instead of an `Invalid argument` once the camera starts; a host that does not resolve is
 * not: DNS may answer later, so that camera goes offline with a reason instead.
 */

/** What a camera URL may start with: RTSP, RTSP over TLS, and the synthetic `demo:` cameras. */
export const cameraSchemes = ['rtsp:', 'rtsps:', 'demo:'] as const;
/** What a publishing output's URL may start with. */
export const publishSchemes = ['rtsp:'] as const;

/**
 * Why `text` is not a usable URL with one of `schemes`, or undefined when it is: parsed as
 * WHATWG URL, with a host and a port from 1 to 65535 (the scheme's default when left out).
 */
export function streamUrlProblem(text: string, schemes: readonly string[]): string | undefined {
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:/.exec(text)?.[0].toLowerCase();
  if (scheme === undefined || !schemes.includes(scheme)) {
    return `must start with ${schemeList(schemes)}`;
  }
  if (scheme === 'demo:') {
    return text.length > scheme.length ? undefined : 'needs a source after demo:, e.g. demo:testsrc2';
  }
  if (!text.slice(scheme.length).startsWith('//')) return `must start with ${scheme}//`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // The parser says only "Invalid URL": name the part most often wrong, the port.
    const [, host, port] = /^[^/]*\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)(?::([^/?#]*))?/.exec(text) ?? [];
    if (host === '') return `has no host (${scheme}//host[:port]/path)`;
    if (port !== undefined && !isPort(port)) return portReason(port);
    return 'is not a valid URL';
  }
  if (url.hostname === '') return `has no host (${scheme}//host[:port]/path)`;
  if (url.port !== '' && !isPort(url.port)) return portReason(url.port);
  return undefined;
}

function portReason(port: string): string {
  return `port ${/^\d+$/.test(port) ? port : JSON.stringify(port)} must be from 1 to 65535`;
}

function isPort(text: string): boolean {
  return /^\d{1,5}$/.test(text) && Number(text) >= 1 && Number(text) <= 65535;
}

function schemeList(schemes: readonly string[]): string {
  const written = schemes.map((s) => (s === 'demo:' ? s : `${s}//`));
  return written.length === 1 ? written[0] : `${written.slice(0, -1).join(', ')} or ${written.at(-1)}`;
}
