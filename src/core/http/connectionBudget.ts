import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/** systemd's default soft limit, assumed where /proc/self/limits cannot be read. */
const assumedDescriptorLimit = 1024;

/** The soft RLIMIT_NOFILE of this process (Linux), else 1024. */
export function descriptorLimit(limitsText?: string): number {
  let text = limitsText;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/self/limits', 'utf8');
    } catch {
      return assumedDescriptorLimit;
    }
  }
  const soft = /^Max open files\s+(\d+|unlimited)/m.exec(text)?.[1];
  if (soft === undefined) return assumedDescriptorLimit;
  return soft === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(soft);
}

/**
 * How many HTTP connections to hold at once: a quarter of the descriptors, so idle connections
 * can never take the ones cameras, viewers' UDP sockets and files need (1,100 idle connections
 * under `ulimit -n 1024` ended the process). Between 16 and 1024; a household needs tens.
 */
export function defaultMaxConnections(limit = descriptorLimit()): number {
  return Math.max(16, Math.min(1024, Math.floor(limit / 4)));
}

/** True for the errors that mean "out of descriptors": the process or the system. */
export function isDescriptorExhaustion(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EMFILE' || code === 'ENFILE';
}

const overloadResponse =
  'HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\nConnection: close\r\nContent-Length: 0\r\n\r\n';

/**
 * Answers each connection past `limit` with a bare 503 and closes it, before any request is
 * read. Node's own `maxConnections` closes such a connection without a word, and a client that
 * had already sent its request (fetch, a WHEP player) then waited for its own timeout. Returns
 * the test for sockets so answered, whose requests must be left alone.
 */
export function answerOverflowWith503(
  server: Server,
  limit: number,
  onRefused: () => void,
): (socket: Socket) => boolean {
  const refused = new WeakSet<Socket>();
  let open = 0;
  server.on('connection', (socket: Socket) => {
    open++;
    socket.once('close', () => open--);
    if (open <= limit) return;
    refused.add(socket);
    onRefused();
    // Closed once written, whether or not the client reads: one that never does (an attacker
    // holding connections) must not keep the descriptor.
    socket.end(overloadResponse, () => socket.destroy());
  });
  return (socket) => refused.has(socket);
}
