import { connect, type Socket } from 'node:net';

export interface RawResponse {
  status: number;
  /** Lower-cased names; repeated fields joined by `\n`. */
  headers: Map<string, string>;
  body: string;
  /** Interleaved packets received before this response. */
  packetsBefore: number;
}

/**
 * A hand-made RTSP client for what players do not do on purpose: raw bytes, a Basic header,
 * reading nothing. Responses are read in order; interleaved packets are counted, the first on
 * each channel kept, the rest skipped.
 */
export class RawRtspClient {
  /** Interleaved packets received, by channel. */
  readonly packets = new Map<number, number>();
  /** The first interleaved packet on each channel (RTP or RTCP, without the `$` framing). */
  readonly firstPackets = new Map<number, Buffer>();
  readonly closed: Promise<void>;
  private buffer = Buffer.alloc(0);
  private waiting: ((response: RawResponse) => void) | undefined;
  private readonly responses: RawResponse[] = [];
  private cseq = 0;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  static connect(port: number): Promise<RawRtspClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host: '127.0.0.1' }, () => {
        socket.off('error', reject);
        resolve(new RawRtspClient(socket));
      });
      socket.once('error', reject);
    });
  }

  /** Sends a request with the next CSeq and waits (up to `timeoutMs`) for its response. */
  request(method: string, uri: string, headers: Record<string, string> = {}, timeoutMs = 10_000) {
    const lines = [`${method} ${uri} RTSP/1.0`, `CSeq: ${++this.cseq}`];
    for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
    this.socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    return this.nextResponse(timeoutMs);
  }

  /** The next response, whatever was sent. */
  nextResponse(timeoutMs = 10_000): Promise<RawResponse> {
    const ready = this.responses.shift();
    if (ready) return Promise.resolve(ready);
    if (this.socket.destroyed) return Promise.reject(new Error('connection closed'));
    return new Promise((resolve, reject) => {
      const fail = (error: Error) => {
        clearTimeout(timer);
        this.socket.off('close', onClose);
        reject(error);
      };
      const onClose = () => fail(new Error('connection closed before the response'));
      const timer = setTimeout(() => fail(new Error(`no RTSP response within ${timeoutMs} ms`)), timeoutMs);
      this.socket.once('close', onClose);
      this.waiting = (response) => {
        clearTimeout(timer);
        this.socket.off('close', onClose);
        resolve(response);
      };
    });
  }

  get packetCount(): number {
    return [...this.packets.values()].reduce((a, b) => a + b, 0);
  }

  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      if (this.buffer.length === 0) return;
      if (this.buffer[0] === 0x24) {
        if (this.buffer.length < 4) return;
        const length = this.buffer.readUInt16BE(2);
        if (this.buffer.length < 4 + length) return;
        const channel = this.buffer[1];
        this.packets.set(channel, (this.packets.get(channel) ?? 0) + 1);
        if (!this.firstPackets.has(channel))
          this.firstPackets.set(channel, Buffer.from(this.buffer.subarray(4, 4 + length)));
        this.buffer = this.buffer.subarray(4 + length);
        continue;
      }
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end === -1) return;
      const [statusLine, ...fields] = this.buffer.subarray(0, end).toString('latin1').split('\r\n');
      const headers = new Map<string, string>();
      for (const field of fields) {
        const colon = field.indexOf(':');
        const name = field.slice(0, colon).trim().toLowerCase();
        const value = field.slice(colon + 1).trim();
        headers.set(name, headers.has(name) ? `${headers.get(name)}\n${value}` : value);
      }
      const length = Number(headers.get('content-length') ?? 0);
      if (this.buffer.length < end + 4 + length) return;
      const body = this.buffer.subarray(end + 4, end + 4 + length).toString('utf8');
      this.buffer = this.buffer.subarray(end + 4 + length);
      const status = Number(statusLine.split(' ')[1]);
      const response = { status, headers, body, packetsBefore: this.packetCount };
      const waiting = this.waiting;
      this.waiting = undefined;
      if (waiting) waiting(response);
      else this.responses.push(response);
    }
  }
}
