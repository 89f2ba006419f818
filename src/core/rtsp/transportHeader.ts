/** What a client asked for in SETUP's Transport header (RFC 2326 §12.39), reduced to what we serve. */
export type TransportRequest =
  /** RTP and RTCP inside the RTSP connection (§10.12); channels absent when the client left them to us. */
  | { kind: 'tcp'; channels?: [number, number] }
  /** Unicast UDP to the client's ports. */
  | { kind: 'udp'; clientPorts: [number, number] };

/**
 * The first transport in the client's list (comma-separated, in order of preference) that we
 * serve: RTP/AVP/TCP interleaved or RTP/AVP[/UDP] unicast with client_port. Multicast and any
 * other profile are skipped; undefined when nothing is left (461).
 */
export function parseTransport(header: string): TransportRequest | undefined {
  for (const spec of header.slice(0, 1024).split(',')) {
    const [protocol, ...parameters] = spec.trim().split(';');
    const params = new Map(
      parameters.map((p) => {
        const eq = p.indexOf('=');
        return eq === -1
          ? [p.trim().toLowerCase(), '']
          : [p.slice(0, eq).trim().toLowerCase(), p.slice(eq + 1).trim()];
      }),
    );
    if (params.has('multicast')) continue;
    const profile = protocol.trim().toUpperCase();
    if (profile === 'RTP/AVP/TCP') {
      const interleaved = params.get('interleaved');
      if (interleaved === undefined) return { kind: 'tcp' };
      const channels = range(interleaved, 255);
      if (channels) return { kind: 'tcp', channels };
    } else if (profile === 'RTP/AVP' || profile === 'RTP/AVP/UDP') {
      const ports = range(params.get('client_port') ?? '', 65535);
      if (ports && ports[0] > 0) return { kind: 'udp', clientPorts: ports };
    }
  }
  return undefined;
}

/** `n` or `n-m` (m = n + 1 when absent), each at most `max`. */
function range(text: string, max: number): [number, number] | undefined {
  const match = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text);
  if (match === null) return undefined;
  const first = Number(match[1]);
  const second = match[2] === undefined ? first + 1 : Number(match[2]);
  return first <= max && second <= max ? [first, second] : undefined;
}
