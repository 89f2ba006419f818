import type { Socket } from 'node:net';
import type { RtspAuth } from './rtspAuth';
import { rtpInfoHeader } from './rtpInfo';
import { RtspRequestReader, type RtspInput, type RtspRequest } from './rtspRequest';
import { rtspResponse, supportedMethods, type RtspHeaders } from './rtspResponse';
import type { RtspSession } from './rtspSession';
import type { RtspStream } from './rtspStream';
import { describeSdp } from './sdp';
import { parseTransport, type TransportRequest } from './transportHeader';

/** What a connection needs of its server. */
export interface RtspConnectionHost {
  readonly auth: RtspAuth | undefined;
  /** How long DESCRIBE waits for parameter sets, and PLAY for the keyframe its client starts on. */
  readonly describeTimeoutMs: number;
  readonly sessionTimeoutS: number;
  /** The stream a URL path names (`name`, an alias, or either plus `/trackID=0`). */
  resolveStream(path: string): RtspStream | undefined;
  findSession(id: string): RtspSession | undefined;
  /** A new session, or why not (503 past maxClients). */
  openSession(
    connection: RtspConnection,
    stream: RtspStream,
    transport: TransportRequest,
    trackUrl: string,
  ): { session: RtspSession; transportReply: string } | { status: number; reason: string };
  closeSession(session: RtspSession, reason: string): void;
  /** A request was refused as malformed, unauthorized or over a limit (for stats). */
  countRejected(kind: 'malformed' | 'unauthorized'): void;
}

/** Requests read ahead of their answers; a client pipelining more is not a player. */
const maxPendingRequests = 16;
/** How long a closing connection may take to read its last answer. */
const closeGraceMs = 2000;

type Handled = { response: Buffer; afterWrite?: () => void };

/**
 * One client's TCP connection: reads requests (answering them in order), carries interleaved
 * RTP for its TCP sessions, and owns the sessions it set up: they end when it closes. Holds a
 * stranger to the reader's limits, a header deadline and an idle deadline (`tick`).
 */
export class RtspConnection {
  readonly remoteAddress: string;
  /** Sessions set up on this connection. */
  readonly sessions = new Set<RtspSession>();
  private readonly reader = new RtspRequestReader();
  private queue: Promise<void> = Promise.resolve();
  private pending = 0;
  private partialSince: number | undefined;
  /** Since when the connection has had no session (it opened, or its last one ended). */
  private sessionlessSince = Date.now();
  private closingSince: number | undefined;

  constructor(
    readonly socket: Socket,
    private readonly host: RtspConnectionHost,
  ) {
    this.remoteAddress = (socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    // Errors (a reset, a timeout) end the connection through 'close'; nothing to add.
    socket.on('error', () => undefined);
  }

  /** Interleaved channels not used by this connection's sessions yet. */
  freeChannels(): [number, number] {
    for (let rtp = 0; rtp < 254; rtp += 2) {
      if (![...this.sessions].some((s) => s.channels?.includes(rtp) || s.channels?.includes(rtp + 1))) {
        return [rtp, rtp + 1];
      }
    }
    return [254, 255];
  }

  /**
   * Ends a connection that sent half a request for `headerTimeoutMs` (slowloris), had no session
   * for `idleTimeoutMs` whatever it sent (players set one up at once; a stranger's keep-alives
   * must not hold a connection slot for ever), or did not read its last answer.
   */
  tick(now: number, headerTimeoutMs: number, idleTimeoutMs: number): void {
    if (this.sessions.size > 0 || this.pending > 0) this.sessionlessSince = now;
    const late = this.partialSince !== undefined && now - this.partialSince > headerTimeoutMs;
    const idle = now - this.sessionlessSince > idleTimeoutMs;
    const stuck = this.closingSince !== undefined && now - this.closingSince > closeGraceMs;
    if (late || idle || stuck) this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    for (const input of this.reader.push(chunk)) this.onInput(input);
    this.partialSince = this.reader.bufferedBytes === 0 ? undefined : (this.partialSince ?? Date.now());
  }

  private onInput(input: RtspInput): void {
    if (input.kind === 'interleaved') {
      // RTCP receiver reports on a session's channel say the client is alive.
      for (const session of this.sessions)
        if (session.channels?.[1] === input.channel) session.lastSeenAt = Date.now();
      return;
    }
    if (input.kind === 'bad') {
      this.host.countRejected('malformed');
      this.closeWith(rtspResponse(input.status, input.cseq, { Connection: 'close' }, `${input.reason}\r\n`));
      return;
    }
    if (++this.pending > maxPendingRequests) {
      this.socket.destroy();
      return;
    }
    const request = input.request;
    this.queue = this.queue.then(async () => {
      let handled: Handled;
      try {
        handled = await this.handle(request);
      } catch {
        handled = { response: rtspResponse(500, request.cseq) };
      }
      this.pending--;
      if (!this.socket.writable) return;
      this.socket.write(handled.response);
      handled.afterWrite?.();
    });
  }

  private closeWith(response: Buffer): void {
    this.closingSince = Date.now();
    if (this.socket.writable) this.socket.end(response);
    else this.socket.destroy();
  }

  private async handle(request: RtspRequest): Promise<Handled> {
    const { method, cseq } = request;
    const answer = (status: number, headers: RtspHeaders = {}, body = ''): Handled => ({
      response: rtspResponse(status, cseq, headers, body),
    });
    if (method === 'OPTIONS') return answer(200, { Public: supportedMethods.join(', ') });
    if (!(supportedMethods as readonly string[]).includes(method)) {
      return ['ANNOUNCE', 'RECORD', 'REDIRECT'].includes(method)
        ? answer(405, { Allow: supportedMethods.join(', ') })
        : answer(501);
    }
    const { auth } = this.host;
    if (auth && !auth.accepts(method, request.headers.get('authorization'))) {
      this.host.countRejected('unauthorized');
      return answer(401, { 'WWW-Authenticate': auth.challenges() });
    }
    const sessionId = request.headers.get('session')?.split(';')[0].trim();
    const session = sessionId === undefined ? undefined : this.host.findSession(sessionId);
    // A TCP session's media flows in its own connection: no one else may steer it.
    if (
      sessionId !== undefined &&
      (!session || (session.transport === 'tcp' && !this.sessions.has(session)))
    ) {
      return answer(454);
    }
    if (session) session.lastSeenAt = Date.now();
    const sessionHeader = session ? `${session.id};timeout=${this.host.sessionTimeoutS}` : undefined;
    switch (method) {
      case 'DESCRIBE':
        return this.describe(request, answer);
      case 'SETUP':
        return this.setup(request, session, answer);
      case 'PLAY':
        if (!session) return answer(454);
        return this.play(session, sessionHeader, answer);
      case 'PAUSE':
        if (!session) return answer(454);
        session.pause();
        return answer(200, { Session: sessionHeader });
      case 'TEARDOWN':
        if (session) this.host.closeSession(session, 'teardown');
        return answer(200);
      default:
        // GET_PARAMETER / SET_PARAMETER: keep-alives (RFC 2326 §10.8, §10.9); we have no parameters.
        return request.body.length > 0 && method === 'SET_PARAMETER'
          ? answer(451, { Session: sessionHeader })
          : answer(200, { Session: sessionHeader });
    }
  }

  private async describe(
    request: RtspRequest,
    answer: (status: number, headers?: RtspHeaders, body?: string) => Handled,
  ): Promise<Handled> {
    const target = this.target(request.uri);
    if (!target) return answer(404);
    const { stream, base } = target;
    const parameterSets = await stream.awaitParameterSets(this.host.describeTimeoutMs);
    // No keyframe in time: the mosaic is not running; a client should try again later.
    if (!parameterSets) return answer(503, { 'Retry-After': 5 }, 'stream has no picture yet\r\n');
    const sdp = describeSdp({
      name: stream.name,
      serverAddress: (this.socket.localAddress ?? '0.0.0.0').replace(/^::ffff:/, ''),
      parameterSets,
      size: stream.source.size,
    });
    return answer(200, { 'Content-Type': 'application/sdp', 'Content-Base': base }, sdp);
  }

  /**
   * Answers once the client's first keyframe is here (or `describeTimeoutMs` passed), with
   * RTP-Info saying where its packets start (RFC 2326 §12.33): live555-based NVRs sync on it
   * and discard what came before. Without a keyframe in time it is left out, never guessed.
   */
  private async play(
    session: RtspSession,
    sessionHeader: string | undefined,
    answer: (status: number, headers?: RtspHeaders, body?: string) => Handled,
  ): Promise<Handled> {
    const start = await session.play(this.host.describeTimeoutMs);
    // Torn down, timed out or its stream removed while waiting.
    if (this.host.findSession(session.id) !== session) return answer(454);
    return {
      ...answer(200, {
        Session: sessionHeader,
        Range: 'npt=0.000-',
        'RTP-Info': start && rtpInfoHeader(session.trackUrl, start),
      }),
      afterWrite: () => session.release(),
    };
  }

  private setup(
    request: RtspRequest,
    existing: RtspSession | undefined,
    answer: (status: number, headers?: RtspHeaders, body?: string) => Handled,
  ): Handled {
    const target = this.target(request.uri);
    if (!target) return answer(404);
    // One track per stream: a second SETUP in a session would be another stream's (RFC 2326 §10.4).
    if (existing) return answer(459);
    const transport = parseTransport(request.headers.get('transport') ?? '');
    if (!transport) return answer(461);
    const opened = this.host.openSession(this, target.stream, transport, request.uri);
    if ('status' in opened) return answer(opened.status, {}, `${opened.reason}\r\n`);
    this.sessions.add(opened.session);
    return answer(200, {
      Transport: opened.transportReply,
      Session: `${opened.session.id};timeout=${this.host.sessionTimeoutS}`,
    });
  }

  /** The stream a Request-URI names, and the Content-Base its track URLs are relative to. */
  private target(uri: string): { stream: RtspStream; base: string } | undefined {
    let url: URL;
    let path: string;
    try {
      url = new URL(uri);
      path = decodeURIComponent(url.pathname).replace(/^\/+|\/+$/g, '');
    } catch {
      return undefined;
    }
    if (url.protocol !== 'rtsp:') return undefined;
    const stream = this.host.resolveStream(path);
    if (!stream) return undefined;
    const streamPath = path.replace(/\/trackID=\d+$/, '');
    return { stream, base: `rtsp://${url.host}/${streamPath.split('/').map(encodeURIComponent).join('/')}/` };
  }
}
