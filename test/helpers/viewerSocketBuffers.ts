import dgram from 'node:dgram';

/**
 * Gives every UDP socket this process opens from now on a receive buffer of `bytes` (Linux caps
 * it at net.core.rmem_max, 4 MiB on Debian). For a process of test viewers only: werift opens
 * its sockets itself and offers no option for their size.
 *
 * Why: the viewers stand in for browsers on other machines, each with a thread that reads its
 * one stream. A swarm serves 25 of them on one event loop, sharing the server's cores; while that
 * loop decrypts the other 24 streams, a 1080p keyframe's burst of ~100 packets overflows Node's
 * default 208 KiB buffer and the kernel drops them (UDP RcvbufErrors), a loss that the server
 * never caused and that no real viewer would see. 4 MiB holds seconds of one stream, far more
 * than the longest stall seen (285 ms between two frames at 50 viewers).
 */
export function enlargeUdpReceiveBuffers(bytes: number): void {
  const createSocket = dgram.createSocket;
  // Patched on the module object: werift calls `dgram.createSocket` through it at connect time.
  (dgram as { createSocket: typeof createSocket }).createSocket = ((
    ...args: Parameters<typeof createSocket>
  ) => {
    const socket = createSocket(...args);
    socket.once('listening', () => {
      // Linux quietly caps a size above rmem_max; the loss figures would then show it.
      socket.setRecvBufferSize(bytes);
    });
    return socket;
  }) as typeof createSocket;
}
