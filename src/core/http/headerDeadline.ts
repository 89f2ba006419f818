import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Drops a connection whose request headers do not arrive in full within `timeoutMs` of the
 * connection opening or of its previous response ending ("slowloris"). Node's own headersTimeout
 * is not enough: it is checked only every connectionsCheckingInterval, and in our tests slow
 * connections outlived it entirely while a WebRTC viewer was connected (test/soak/resourceBounds).
 * A connection upgraded to a WebSocket is past its headers, and keeps no deadline.
 */
export function enforceHeaderDeadline(server: Server, timeoutMs: number): void {
  const timers = new WeakMap<Socket, NodeJS.Timeout>();
  const disarm = (socket: Socket) => {
    clearTimeout(timers.get(socket));
    timers.delete(socket);
  };
  const arm = (socket: Socket) => {
    disarm(socket);
    if (socket.destroyed) return;
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    timer.unref();
    timers.set(socket, timer);
  };
  server.on('connection', (socket: Socket) => {
    arm(socket);
    socket.once('close', () => disarm(socket));
  });
  server.on('request', (req, res) => {
    const socket = req.socket;
    disarm(socket);
    // The next request on a kept-alive connection gets the same deadline.
    res.once('finish', () => arm(socket));
  });
  // An upgrade (the MSE WebSocket) fires no 'request': its headers are in, and what follows is a
  // stream that lives as long as its player, not a request with a deadline.
  server.on('upgrade', (req: IncomingMessage) => disarm(req.socket));
}
