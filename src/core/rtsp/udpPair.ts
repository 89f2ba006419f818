import { createSocket, type Socket } from 'node:dgram';

/** The server's two UDP sockets: RTP on an even port, RTCP on the next (RFC 3550 §11). */
export interface UdpPair {
  rtp: Socket;
  rtcp: Socket;
  ports: [number, number];
  type: 'udp4' | 'udp6';
}

/** Binds an even/odd pair of ports on `host`, chosen by the system; rejects after `attempts`. */
export async function bindUdpPair(host: string, attempts = 32): Promise<UdpPair> {
  const type = host.includes(':') ? 'udp6' : 'udp4';
  for (let attempt = 0; attempt < attempts; attempt++) {
    const rtp = createSocket(type);
    const rtpPort = await bind(rtp, host, 0);
    if (rtpPort !== undefined && rtpPort % 2 === 0 && rtpPort < 65535) {
      const rtcp = createSocket(type);
      if ((await bind(rtcp, host, rtpPort + 1)) !== undefined)
        return { rtp, rtcp, ports: [rtpPort, rtpPort + 1], type };
      closeQuietly(rtcp);
    }
    closeQuietly(rtp);
  }
  throw new Error(`no free even/odd UDP port pair on ${host}`);
}

/** The bound port, or undefined when binding failed. */
function bind(socket: Socket, host: string, port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const onError = (): void => resolve(undefined);
    socket.once('error', onError);
    socket.bind(port, host, () => {
      socket.off('error', onError);
      resolve(socket.address().port);
    });
  });
}

/** A socket whose bind failed is not running, and close() would throw for it. */
function closeQuietly(socket: Socket): void {
  try {
    socket.close();
  } catch {
    // already closed
  }
}
