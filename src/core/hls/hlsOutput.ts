import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Fmp4Stream, Unsubscribe } from '../fmp4/fmp4Stream';
import type { Fmp4Init } from '../fmp4/fmp4Muxer';
import { createLogger, type Logger } from '../logger';
import type { Release } from '../stitcher/demand';
import {
  mediaPlaylist,
  multivariantPlaylist,
  segmentBitRates,
  withQuery,
  type LowLatency,
} from './hlsPlaylist';
import { HlsSegmenter } from './hlsSegmenter';
import { ChangeWaiters } from './changeWaiters';

export interface HlsOutputOptions {
  /** With no request this long, HLS stops: lease released, segments freed. Default 30000. */
  idleStopMs?: number;
  /** Segments listed in the playlist. Default 4. */
  playlistSegments?: number;
  /** A segment ends at the first keyframe at least this long after it began. Default 1000. */
  minSegmentMs?: number;
  /** A segment growing past this is dropped (bounded memory). Default 16 MiB. */
  maxSegmentBytes?: number;
  /** How long the first playlist request waits for the first segment. Default 10000. */
  firstSegmentWaitMs?: number;
  /**
   * Low-latency HLS parts at most this long (at least a frame); 0 turns LL-HLS off. Default
   * 200 (5 frames at 25 fps): hls.js and Safari then play about a second behind, not three GOPs.
   */
  partTargetMs?: number;
  logger?: Logger;
}

export interface HlsOutputStats {
  /** Segmenting now (someone asked within `idleStopMs`). */
  active: boolean;
  /**
   * HTTP connections that asked in the last 10 s: about one per player (ffmpeg and hls.js
   * keep theirs alive; a browser may open a second).
   */
  clients: number;
  segments: number;
  /** Bytes of segments held in memory. */
  bytesHeld: number;
  requests: number;
  bytesSent: number;
  /** Times HLS started after being idle. */
  starts: number;
}

/** A player polls its playlist about every target duration; one not seen this long has left. */
const clientSeenMs = 10_000;

/**
 * HLS with fMP4 segments for one mosaic (RFC 8216), serving `index.m3u8` (the multivariant
 * playlist), `media.m3u8` (the live media playlist), `init.mp4` (and `init-<id>.mp4` for an
 * older SPS still in the window), `<n>.m4s` and the parts `<n>.<part>.m4s`. It starts on the first
 * request (an `hls` lease, a keyframe request) and stops after `idleStopMs` without one: a
 * mosaic nobody watches over HLS costs nothing for it. The HTTP layer routes
 * `/hls/<subpath>` here after its token check (a player cannot always send a header: accept
 * `?token=`).
 */
export class HlsOutput {
  private readonly segmenter: HlsSegmenter;
  private readonly options: Required<Omit<HlsOutputOptions, 'logger'>>;
  private readonly logger: Logger;
  private readonly seen = new Map<string, number>();
  private readonly inits = new Map<number, Fmp4Init>();
  private readonly waiters = new ChangeWaiters(() => this.run !== undefined);
  /** The part target announced (seconds), 0 without LL-HLS. */
  private readonly partTargetS: number;
  private run: { release: Release; unsubscribe: Unsubscribe; timer: NodeJS.Timeout } | undefined;
  private lastRequestAt = 0;
  private targetDurationS = 1;
  private closed = false;
  private totals = { requests: 0, bytesSent: 0, starts: 0 };

  constructor(
    private readonly stream: Fmp4Stream,
    options: HlsOutputOptions = {},
  ) {
    this.options = {
      idleStopMs: options.idleStopMs ?? 30_000,
      playlistSegments: options.playlistSegments ?? 4,
      minSegmentMs: options.minSegmentMs ?? 1000,
      maxSegmentBytes: options.maxSegmentBytes ?? 16 * 1024 * 1024,
      firstSegmentWaitMs: options.firstSegmentWaitMs ?? 10_000,
      partTargetMs: options.partTargetMs ?? 200,
    };
    const frameMs = 1000 / stream.fps;
    this.partTargetS =
      this.options.partTargetMs > 0 ? Math.max(this.options.partTargetMs, frameMs) / 1000 : 0;
    this.logger = options.logger ?? createLogger('hls');
    this.segmenter = new HlsSegmenter({
      minSegmentMs: this.options.minSegmentMs,
      // RFC 8216 §6.2.2: a segment gone from the playlist stays fetchable a while longer.
      keptSegments: this.options.playlistSegments + 3,
      maxSegmentBytes: this.options.maxSegmentBytes,
      // A hair over the target: a part of whole frames at exactly the target still fits.
      partTargetMs: this.partTargetS * 1000 + 1,
    });
  }

  /** Answers a request for `subpath` (`index.m3u8`, `media.m3u8`, `init.mp4`, …) of this mosaic's HLS. */
  handle(request: IncomingMessage, response: ServerResponse, subpath: string): void {
    this.serve(request, response, subpath).catch((error: unknown) => {
      this.logger.warn(`request for ${subpath} failed: ${String(error)}`);
      if (!response.headersSent) reply(response, 500, 'text/plain', Buffer.from('internal error\n'));
      else response.destroy();
    });
  }

  stats(): HlsOutputStats {
    this.forgetClients(Date.now());
    return {
      active: this.run !== undefined,
      clients: this.seen.size,
      segments: this.segmenter.segments.length,
      bytesHeld: this.segmenter.bytes,
      ...this.totals,
    };
  }

  /** Stops segmenting and answers no more; idempotent. */
  close(): void {
    this.closed = true;
    this.stop('closing');
  }

  private async serve(request: IncomingMessage, response: ServerResponse, subpath: string): Promise<void> {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      reply(response, 405, 'text/plain', Buffer.from('method not allowed\n'));
      return;
    }
    if (this.closed) {
      reply(response, 503, 'text/plain', Buffer.from('closing\n'));
      return;
    }
    const now = Date.now();
    this.totals.requests++;
    this.lastRequestAt = now;
    // Bounded: a flood of connections cannot grow it past 1000 entries.
    if (this.seen.size < 1000)
      this.seen.set(`${request.socket.remoteAddress} ${request.socket.remotePort}`, now);
    if (!this.run) this.start();
    const name = subpath.replace(/^\/+/, '').split('?')[0];
    if (name === 'index.m3u8') {
      await this.serveMultivariant(request, response);
      return;
    }
    if (name === 'media.m3u8') {
      await this.servePlaylist(request, response);
      return;
    }
    const part = /^(\d+)\.(\d+)\.m4s$/.exec(name);
    if (part && this.partTargetS > 0) {
      const [sequence, index] = [Number(part[1]), Number(part[2])];
      // RFC 8216bis §6.2.5.2: the part of a preload hint is answered once it exists.
      if (this.segmenter.isNextPart(sequence, index, this.run !== undefined))
        await this.waiters.wait(
          () => !this.segmenter.isNextPart(sequence, index, this.run !== undefined),
          2 * this.targetDurationS * 1000,
        );
      this.send(request, response, 'video/mp4', this.segmenter.findPart(sequence, index)?.data, 'max-age=60');
      return;
    }
    const init = /^init(?:-(\d+))?\.mp4$/.exec(name);
    if (init) {
      const wanted = init[1] === undefined ? this.newestInit() : this.inits.get(Number(init[1]));
      if (
        !wanted &&
        init[1] === undefined &&
        (await this.waiters.wait(() => this.newestInit(), this.options.firstSegmentWaitMs))
      ) {
        this.send(request, response, 'video/mp4', this.newestInit()?.data, 'max-age=60');
        return;
      }
      this.send(request, response, 'video/mp4', wanted?.data, 'max-age=60');
      return;
    }
    const segment = /^(\d+)\.m4s$/.exec(name);
    if (segment) {
      const found = this.segmenter.segments.find((s) => s.sequence === Number(segment[1]));
      // A segment never changes: a player or proxy may keep it.
      this.send(request, response, 'video/mp4', found?.data, 'max-age=60');
      return;
    }
    reply(response, 404, 'text/plain', Buffer.from('not found\n'));
  }

  /** Waits for the first segment; false (and a 503 sent) when none came in time. */
  private async firstSegment(response: ServerResponse): Promise<boolean> {
    if (
      this.windowed().length === 0 &&
      !(await this.waiters.wait(() => this.windowed().length > 0, this.options.firstSegmentWaitMs))
    ) {
      response.setHeader('Retry-After', '2');
      reply(response, 503, 'text/plain', Buffer.from('no segment yet\n'));
      return false;
    }
    return true;
  }

  /** The multivariant playlist: the one variant's codec, size and bit rate, as measured. */
  private async serveMultivariant(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!(await this.firstSegment(response))) return;
    const segments = this.windowed();
    const init = segments.at(-1)!.init;
    const rates = segmentBitRates(segments);
    const playlist = multivariantPlaylist({
      uri: 'media.m3u8',
      bandwidth: rates.peak,
      averageBandwidth: rates.average,
      codec: init.codec,
      width: init.width,
      height: init.height,
      fps: this.stream.fps,
    });
    const query = new URL(request.url ?? '/', 'http://x').searchParams;
    this.send(
      request,
      response,
      'application/vnd.apple.mpegurl',
      Buffer.from(withQuery(playlist, query.toString())),
      'no-cache',
    );
  }

  private async servePlaylist(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!(await this.firstSegment(response))) return;
    const query = new URL(request.url ?? '/', 'http://x').searchParams;
    const msn = query.get('_HLS_msn');
    if (msn === null && query.has('_HLS_part')) {
      reply(response, 400, 'text/plain', Buffer.from('_HLS_part without _HLS_msn\n'));
      return;
    }
    if (this.partTargetS > 0 && msn !== null) {
      // §6.2.5.2: a blocking reload waits until the playlist holds segment msn (part `part`).
      const part = query.get('_HLS_part');
      const [sequence, index] = [Number(msn), part === null ? undefined : Number(part)];
      const valid = Number.isSafeInteger(sequence) && (index === undefined || Number.isSafeInteger(index));
      if (!valid || sequence > this.segmenter.sequence + 2) {
        reply(response, 400, 'text/plain', Buffer.from('_HLS_msn is too far ahead\n'));
        return;
      }
      if (
        !(await this.waiters.wait(
          () => this.segmenter.reached(sequence, index),
          3 * this.targetDurationS * 1000,
        ))
      ) {
        reply(response, 503, 'text/plain', Buffer.from('no new segment\n'));
        return;
      }
    }
    const lowLatency: LowLatency | undefined =
      this.partTargetS > 0
        ? {
            partTargetS: this.partTargetS,
            open: this.segmenter.current,
            nextSequence: this.segmenter.sequence,
          }
        : undefined;
    // The player's own query (a token) goes on to every URI; the blocking-reload ones do not.
    for (const name of [...query.keys()]) if (name.startsWith('_HLS_')) query.delete(name);
    const playlist = withQuery(
      mediaPlaylist(this.windowed(), this.targetDurationS, lowLatency),
      query.toString(),
    );
    this.send(request, response, 'application/vnd.apple.mpegurl', Buffer.from(playlist), 'no-cache');
  }

  private send(
    request: IncomingMessage,
    response: ServerResponse,
    type: string,
    body: Buffer | undefined,
    cache: string,
  ): void {
    if (!body) {
      reply(response, 404, 'text/plain', Buffer.from('not found (gone from the window, or HLS restarted)\n'));
      return;
    }
    response.setHeader('Cache-Control', cache);
    if (request.method === 'HEAD') {
      response.writeHead(200, { 'Content-Type': type, 'Content-Length': body.length }).end();
      return;
    }
    this.totals.bytesSent += body.length;
    reply(response, 200, type, body);
  }

  private windowed() {
    return this.segmenter.segments.slice(-this.options.playlistSegments);
  }

  private newestInit(): Fmp4Init | undefined {
    return this.segmenter.current?.init ?? this.segmenter.segments.at(-1)?.init;
  }

  private start(): void {
    this.totals.starts++;
    this.targetDurationS = Math.ceil(this.stream.gopSeconds + this.options.minSegmentMs / 1000);
    const release = this.stream.want('hls');
    // The first playlist waits for the first segment, which ends at a keyframe at least
    // minSegmentMs in: ask for that one, a frame ahead, rather than wait for the encoder's own up
    // to a GOP (2 s by default) later. The player's first picture comes that much sooner.
    const frameTicks = 90_000 / this.stream.fps;
    const firstCutTicks = (this.options.minSegmentMs * 90_000) / 1000 - frameTicks;
    let firstKeyframeAt: number | undefined;
    let firstCutAsked = false;
    const unsubscribe = this.stream.subscribe((fragment) => {
      if (!firstCutAsked && this.segmenter.segments.length === 0) {
        if (fragment.keyframe) firstKeyframeAt ??= fragment.decodeTime;
        if (firstKeyframeAt !== undefined && fragment.decodeTime - firstKeyframeAt >= firstCutTicks) {
          firstCutAsked = true;
          this.stream.requestKeyframe();
        }
      }
      const changes = this.segmenter.changes;
      const segment = this.segmenter.push(fragment);
      if (segment) {
        this.inits.set(segment.init.id, segment.init);
        this.targetDurationS = Math.max(this.targetDurationS, Math.round(segment.durationS));
        this.forgetInits();
      }
      if (this.segmenter.changes !== changes) this.waiters.wake();
    });
    const timer = setInterval(() => this.stopWhenIdle(), Math.min(1000, this.options.idleStopMs / 4));
    timer.unref();
    this.run = { release, unsubscribe, timer };
    this.stream.requestKeyframe();
    this.logger.info('HLS started: a player asked');
  }

  private stopWhenIdle(): void {
    const now = Date.now();
    this.forgetClients(now);
    if (now - this.lastRequestAt >= this.options.idleStopMs)
      this.stop(`no request for ${this.options.idleStopMs} ms`);
  }

  private stop(why: string): void {
    const run = this.run;
    if (!run) return;
    this.run = undefined;
    clearInterval(run.timer);
    run.unsubscribe();
    run.release();
    this.segmenter.clear();
    this.inits.clear();
    this.waiters.wake();
    this.logger.info(`HLS stopped: ${why}`);
  }

  /** Init segments no kept segment needs any more. */
  private forgetInits(): void {
    const needed = new Set(this.segmenter.segments.map((s) => s.init.id));
    for (const id of this.inits.keys()) if (!needed.has(id)) this.inits.delete(id);
  }

  private forgetClients(now: number): void {
    for (const [key, at] of this.seen) if (now - at > clientSeenMs) this.seen.delete(key);
  }
}

function reply(response: ServerResponse, status: number, type: string, body: Buffer): void {
  response.writeHead(status, { 'Content-Type': type, 'Content-Length': body.length }).end(body);
}
