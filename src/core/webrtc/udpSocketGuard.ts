import type { Socket } from 'node:dgram';
import { UdpTransport } from 'werift';

/** What the guard saw, for tests and for naming the cause of a refused viewer. */
export const udpSocketErrors = { bind: 0, other: 0 };
let lastBindFailure: { at: number; code: string } | undefined;
let installed = false;

interface UdpTransportInternals {
  socket: Socket;
  init(): Promise<void>;
}

/**
 * Gives every UDP socket werift opens for ICE an `'error'` listener, and turns a failed bind into
 * a rejected gathering step. werift listens for neither: `bind EMFILE` (descriptors run out) was an
 * unhandled `'error'` event and ended the process; a failed send without a callback is the same.
 * werift then leaves that candidate out, and the viewer is refused (`Viewer.answer`).
 * Patches `UdpTransport.prototype.init` once per process; idempotent.
 */
export function guardUdpSockets(): void {
  if (installed) return;
  const prototype = UdpTransport.prototype as unknown as UdpTransportInternals;
  const init = prototype.init;
  if (typeof init !== 'function')
    throw new Error('werift changed UdpTransport: its sockets cannot be guarded');
  installed = true;
  prototype.init = async function guardedInit(this: UdpTransportInternals): Promise<void> {
    const socket = this.socket;
    let bound = false;
    socket.on('error', () => {
      if (bound) udpSocketErrors.other++;
    });
    let bindFailed: (error: Error) => void = () => undefined;
    const failure = new Promise<never>((_, reject) => (bindFailed = reject));
    socket.once('error', bindFailed);
    try {
      await Promise.race([init.call(this), failure]);
      bound = true;
    } catch (error) {
      udpSocketErrors.bind++;
      lastBindFailure = { at: Date.now(), code: (error as NodeJS.ErrnoException).code ?? String(error) };
      try {
        socket.close();
      } catch {
        // Never bound, so nothing to close.
      }
      throw error;
    } finally {
      socket.off('error', bindFailed);
    }
  };
}

/** The error code (e.g. `EMFILE`) of the latest failed bind at or after `sinceMs`, if any. */
export function bindFailureSince(sinceMs: number): string | undefined {
  return lastBindFailure && lastBindFailure.at >= sinceMs ? lastBindFailure.code : undefined;
}
