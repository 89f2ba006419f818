/** One RTSP request as read off a connection (RFC 2326 §6). */
export interface RtspRequest {
  method: string;
  /** The Request-URI as sent: `rtsp://host:port/path` or `*`. */
  uri: string;
  /** Header fields by lower-cased name; a repeated field keeps its last value. */
  headers: ReadonlyMap<string, string>;
  /** Digits only (checked): echoed in the response. */
  cseq: string;
  body: Buffer;
}

/** What a connection's bytes turn into, in order. */
export type RtspInput =
  | { kind: 'request'; request: RtspRequest }
  /** RFC 2326 §10.12: `$`, channel, 16-bit length, then an RTP or RTCP packet from the client. */
  | { kind: 'interleaved'; channel: number; data: Buffer }
  /** The bytes cannot be a request; answer `status` (with `cseq` when known) and close. */
  | { kind: 'bad'; status: number; reason: string; cseq?: string };

export interface RtspRequestLimits {
  /** Request line and header fields together. Default 8192. */
  maxHeaderBytes?: number;
  /** Default 4096: keep-alive bodies are tiny, and we take no ANNOUNCE. */
  maxBodyBytes?: number;
}

const requestLine = /^([A-Za-z_]{1,32}) (\S{1,4096}) RTSP\/(\d)\.(\d)$/;
const headerLine = /^([!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}):[ \t]*(.*?)[ \t]*$/;
const maxHeaderFields = 64;
const headEnd = Buffer.from('\r\n\r\n');
const interleavedMagic = 0x24; // '$'

/**
 * Turns a connection's bytes into requests and interleaved packets, defensively: every size is
 * bounded, and the first thing that cannot be RTSP poisons the reader (one `bad`, then nothing),
 * since nothing after it in the stream can be trusted to start where a request starts.
 */
export class RtspRequestReader {
  private pending: Buffer = Buffer.alloc(0);
  private poisoned = false;
  private readonly maxHeaderBytes: number;
  private readonly maxBodyBytes: number;

  constructor(limits: RtspRequestLimits = {}) {
    this.maxHeaderBytes = limits.maxHeaderBytes ?? 8192;
    this.maxBodyBytes = limits.maxBodyBytes ?? 4096;
  }

  /** Bytes held for an incomplete request or packet (0 between messages). */
  get bufferedBytes(): number {
    return this.pending.length;
  }

  push(chunk: Buffer): RtspInput[] {
    if (this.poisoned) return [];
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const inputs: RtspInput[] = [];
    for (;;) {
      const input = this.next();
      if (input === undefined) break;
      inputs.push(input);
      if (input.kind === 'bad') {
        this.poisoned = true;
        this.pending = Buffer.alloc(0);
        break;
      }
    }
    return inputs;
  }

  private next(): RtspInput | undefined {
    // Empty lines between messages are allowed (RFC 2326 §15.1 inherits HTTP/1.1's leniency).
    let start = 0;
    while (start < this.pending.length && (this.pending[start] === 0x0d || this.pending[start] === 0x0a))
      start++;
    if (start > 0) this.pending = this.pending.subarray(start);
    if (this.pending.length === 0) return undefined;
    if (this.pending[0] === interleavedMagic) return this.nextInterleaved();
    const end = this.pending.indexOf(headEnd);
    if (end === -1) {
      return this.pending.length > this.maxHeaderBytes
        ? { kind: 'bad', status: 400, reason: `request header over ${this.maxHeaderBytes} bytes` }
        : undefined;
    }
    if (end > this.maxHeaderBytes) {
      return { kind: 'bad', status: 400, reason: `request header over ${this.maxHeaderBytes} bytes` };
    }
    const head = this.pending.subarray(0, end).toString('latin1');
    const parsed = parseHead(head);
    if (parsed.kind === 'bad') return parsed;
    const lengthText = parsed.headers.get('content-length') ?? '0';
    if (!/^\d{1,9}$/.test(lengthText)) {
      return { kind: 'bad', status: 400, reason: 'bad Content-Length', cseq: parsed.cseq };
    }
    const bodyBytes = Number(lengthText);
    if (bodyBytes > this.maxBodyBytes) {
      return { kind: 'bad', status: 413, reason: `body over ${this.maxBodyBytes} bytes`, cseq: parsed.cseq };
    }
    const total = end + headEnd.length + bodyBytes;
    if (this.pending.length < total) return undefined;
    // A copy: the body must not pin the (possibly large) chunk it arrived in.
    const body = Buffer.from(this.pending.subarray(end + headEnd.length, total));
    this.pending = this.pending.subarray(total);
    return {
      kind: 'request',
      request: { method: parsed.method, uri: parsed.uri, headers: parsed.headers, cseq: parsed.cseq, body },
    };
  }

  private nextInterleaved(): RtspInput | undefined {
    if (this.pending.length < 4) return undefined;
    const channel = this.pending[1];
    const length = this.pending.readUInt16BE(2);
    if (this.pending.length < 4 + length) return undefined;
    const data = this.pending.subarray(4, 4 + length);
    this.pending = this.pending.subarray(4 + length);
    return { kind: 'interleaved', channel, data };
  }
}

type ParsedHead =
  | { kind: 'head'; method: string; uri: string; headers: Map<string, string>; cseq: string }
  | { kind: 'bad'; status: number; reason: string; cseq?: string };

function parseHead(head: string): ParsedHead {
  const lines = head.split('\r\n');
  const first = requestLine.exec(lines[0]);
  if (first === null) return { kind: 'bad', status: 400, reason: 'not an RTSP request line' };
  const headers = new Map<string, string>();
  if (lines.length - 1 > maxHeaderFields) {
    return { kind: 'bad', status: 400, reason: `more than ${maxHeaderFields} header fields` };
  }
  for (const line of lines.slice(1)) {
    const field = headerLine.exec(line);
    // Folded lines (obsolete in HTTP/1.1 too) and anything else odd: refused, not guessed at.
    if (field === null) return { kind: 'bad', status: 400, reason: 'malformed header field' };
    headers.set(field[1].toLowerCase(), field[2]);
  }
  const cseq = headers.get('cseq');
  if (cseq === undefined || !/^\d{1,10}$/.test(cseq)) {
    return { kind: 'bad', status: 400, reason: 'missing or malformed CSeq' };
  }
  // RFC 2326 §7.1: RTSP/1.0 only; RTSP/2.0 (RFC 7826) differs in ways a 1.0 server cannot fake.
  if (first[3] !== '1' || first[4] !== '0') {
    return { kind: 'bad', status: 505, reason: 'RTSP version not supported', cseq };
  }
  return { kind: 'head', method: first[1].toUpperCase(), uri: first[2], headers, cseq };
}
