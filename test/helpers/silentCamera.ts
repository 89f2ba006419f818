import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';

/**
 * A "camera" that accepts RTSP connections and never answers (as the lifecycle test's): while a
 * mosaic pulls it, `connections` is 1 or more, so a test sees whether a camera is still pulled
 * without asking the code under test.
 */
export class SilentCamera {
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      // Read (and ignore) the requests, so a hang-up is seen and the socket closed.
      socket.resume();
      socket.on('error', () => undefined);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  static async start(): Promise<SilentCamera> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new SilentCamera(server, (server.address() as { port: number }).port);
  }

  /** `rtsp://[login@]127.0.0.1:<port>/<path>`. */
  url(login = '', path = 'cam'): string {
    return `rtsp://${login ? `${login}@` : ''}127.0.0.1:${this.port}/${path}`;
  }

  /** Connections open now. */
  get connections(): number {
    return this.sockets.size;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** This process's media threads (cameras, output clocks, publishers, encoders, housekeeping). */
export function mediaThreads(): string[] {
  const names = readdirSync('/proc/self/task').flatMap((task) => {
    try {
      return [readFileSync(`/proc/self/task/${task}/comm`, 'utf8').trim()];
    } catch {
      return []; // a thread that ended since the listing: stopping is what is being waited for
    }
  });
  return names.filter((name) => name.startsWith('cm-'));
}
