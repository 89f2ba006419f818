import { createServer, isIP, type Server, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';

/**
 * An rtsps:// camera whose certificate is checked on the very connection that carries its
 * stream. FFmpeg's RTSP client never verifies an rtsps:// certificate (it hands its TLS layer no
 * options, and FFmpeg's TLS does not verify by default), and no option reaches that layer, so a
 * camera with `tlsFingerprint` is opened through this relay: FFmpeg speaks plain RTSP to a
 * loopback port, each of its connections becomes one TLS connection to the camera, and not one
 * byte goes either way until the camera's certificate has the pinned SHA-256 fingerprint. A check
 * on a connection of its own before FFmpeg's would prove nothing about FFmpeg's.
 *
 * It listens on 127.0.0.1 only, so no other machine can reach it at all; a connection that still
 * comes from elsewhere (a routing trick) is closed before a byte is read or the camera dialled.
 */
export class TlsPinRelay {
  /** Why the last connection was refused (a wrong certificate); undefined after one that passed. */
  refusal: string | undefined;
  /** The last failure to reach the camera at all (refused, unreachable, host unknown). */
  upstreamError: string | undefined;
  private readonly fingerprint: string;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  /** A relay listening on a free port of 127.0.0.1; `fingerprint` in any form `normaliseFingerprint` takes. */
  static async listen(camera: { host: string; port: number }, fingerprint: string): Promise<TlsPinRelay> {
    const relay = new TlsPinRelay(camera, fingerprint);
    await new Promise<void>((resolve, reject) => {
      relay.server.once('error', reject);
      relay.server.listen({ host: '127.0.0.1', port: 0 }, () => {
        relay.server.off('error', reject);
        resolve();
      });
    });
    // Later errors (none expected of a listening server) must not throw from the event loop.
    relay.server.on('error', () => undefined);
    return relay;
  }

  private constructor(
    private readonly camera: { host: string; port: number },
    fingerprint: string,
  ) {
    this.fingerprint = normaliseFingerprint(fingerprint);
    this.server = createServer((client) => this.onClient(client));
  }

  get port(): number {
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('TlsPinRelay: not listening');
    return address.port;
  }

  /** Stops listening and ends every relayed connection. Idempotent. */
  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    if (!this.server.listening) return Promise.resolve();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  private onClient(client: Socket): void {
    if (!isLoopback(client.remoteAddress)) {
      client.destroy();
      return;
    }
    client.pause();
    this.track(client);
    const { host, port } = this.camera;
    const upstream: TLSSocket = tlsConnect({
      host,
      port,
      // SNI names a host, never an address (RFC 6066 §3).
      ...(isIP(host) === 0 ? { servername: host } : {}),
      // The pin below is the check; a camera's certificate is almost always self-signed.
      rejectUnauthorized: false,
    });
    this.track(upstream);
    const end = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    client.on('close', end);
    let verified = false;
    upstream.on('error', (error: Error) => {
      if (!verified) this.upstreamError = error.message;
      end();
    });
    upstream.on('close', end);
    upstream.once('secureConnect', () => {
      const presented = upstream.getPeerCertificate().fingerprint256 ?? '(none)';
      if (presented !== this.fingerprint) {
        this.refusal =
          `certificate mismatch: the camera presented SHA-256 ${presented}, but tlsFingerprint ` +
          `pins ${this.fingerprint}; nothing was sent to it`;
        end();
        return;
      }
      verified = true;
      this.refusal = undefined;
      this.upstreamError = undefined;
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
  }
}

/** `ab:cd:…` or 64 hex digits, any case → `AB:CD:…` as Node writes `fingerprint256`. */
export function normaliseFingerprint(text: string): string {
  const hex = text.replace(/:/g, '').toUpperCase();
  return hex.replace(/(..)(?!$)/g, '$1:');
}

/** `rtsps://user:pass@camera:322/path` → `rtsp://user:pass@127.0.0.1:<port>/path`. */
export function relayedUrl(url: string, port: number): string {
  const parsed = new URL(url);
  const userinfo = parsed.username
    ? `${parsed.username}${parsed.password ? `:${parsed.password}` : ''}@`
    : '';
  return `rtsp://${userinfo}127.0.0.1:${port}${parsed.pathname}${parsed.search}`;
}

/** Where an rtsps:// URL points: its host (brackets off an IPv6 literal) and port (322 default). */
export function rtspsTarget(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname.replace(/^\[|\]$/g, ''), port: parsed.port ? Number(parsed.port) : 322 };
}

function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return address === '::1' || /^127\./.test(v4);
}
