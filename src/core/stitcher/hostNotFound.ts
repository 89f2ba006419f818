import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

/**
 * The host of an rtsp:// or rtsps:// URL when it does not resolve, else undefined. FFmpeg turns a
 * failed getaddrinfo into `Input/output error` (the name only goes to its log), which tells a user
 * nothing; a camera whose open fails is looked up here so its state can say `host not found: x`.
 * Not a config error: the name may resolve later (DNS or mDNS not up yet), and the camera retries.
 */
export async function hostNotFound(url: string): Promise<string | undefined> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!/^rtsps?:$/.test(parsed.protocol) || host === '' || isIP(host) !== 0) return undefined;
  try {
    await lookup(host);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOTFOUND' || code === 'EAI_NONAME' || code === 'EAI_AGAIN' ? host : undefined;
  }
}
