import { randomBytes } from 'node:crypto';
import type { AccessUnit } from '../stitcher/stitcher';
import { H264Fanout } from '../webrtc/h264Fanout';
import { KeyframeThrottle } from '../webrtc/keyframeThrottle';
import { findParameterSets, type ParameterSets } from './parameterSets';
import type { RtspSession } from './rtspSession';

/**
 * What the server needs of a stream: its access units while anyone watches, keyframes on
 * request, and optionally its picture size. The Engine makes one of a Stitcher
 * (`stitcherStreamSource`); tests may make one of anything.
 */
export interface RtspStreamSource {
  /** Starts delivering units to `onUnit`; the returned function stops. */
  subscribe(onUnit: (unit: AccessUnit) => void): () => void;
  /** Asks the encoder for an IDR soon. */
  requestKeyframe(): void;
  readonly size?: { width: number; height: number };
}

/** A stream's counters for /stats and /metrics. */
export interface RtspStreamStats {
  /** Sessions receiving media now. */
  clients: number;
  /** Sessions set up, playing or not. */
  sessions: number;
  /** RTP bytes written to clients, past and present. */
  bytesSent: number;
  /** Times a client fell behind and skipped to the next keyframe. */
  skippedToKeyframe: number;
}

/**
 * A random SSRC (RFC 3550 §8.1), never 0: a zero SSRC is what a sender that never chose one
 * sends, and some clients take it for that.
 */
function randomSsrc(): number {
  return randomBytes(4).readUInt32BE(0) || 1;
}

/**
 * One named stream: subscribed to its source only while a client plays or a DESCRIBE waits for
 * parameter sets, packetizing each unit once for all its clients (H264Fanout), and keeping the
 * latest SPS/PPS for DESCRIBE. Its packets are numbered once for all clients, so the SSRC, the
 * sequence numbers and the RTP clock are the stream's, shared by every session.
 */
export class RtspStream {
  parameterSets: ParameterSets | undefined;
  /** The SSRC of every packet, said in SETUP and in the sender reports. */
  readonly ssrc = randomSsrc();
  private readonly fanout = new H264Fanout({ ssrc: this.ssrc });
  private readonly throttle: KeyframeThrottle;
  private readonly sessions = new Set<RtspSession>();
  private readonly describers = new Set<() => void>();
  private unsubscribe: (() => void) | undefined;
  private lastPts: number | undefined;
  private lastUnitAt = 0;
  private retiredBytes = 0;
  private retiredSkips = 0;
  private closed = false;

  constructor(
    readonly name: string,
    readonly source: RtspStreamSource,
  ) {
    this.throttle = new KeyframeThrottle(() => source.requestKeyframe());
  }

  /** A session starts receiving; it waits for a keyframe, asked for now. */
  attach(session: RtspSession): void {
    if (this.closed) return;
    this.sessions.add(session);
    this.fanout.add(session);
    this.follow();
    this.throttle.request();
  }

  /** A session stops receiving (PAUSE, TEARDOWN, gone). */
  detach(session: RtspSession): void {
    this.fanout.delete(session);
    this.follow();
  }

  /** A session ends: its counters move into the stream's totals. */
  retire(session: RtspSession): void {
    this.detach(session);
    if (!this.sessions.delete(session)) return;
    this.retiredBytes += session.bytesSent;
    this.retiredSkips += session.skippedToKeyframe;
  }

  /** The SPS and PPS, waiting up to `timeoutMs` for a keyframe when none was seen yet. */
  async awaitParameterSets(timeoutMs: number): Promise<ParameterSets | undefined> {
    if (this.parameterSets || this.closed) return this.parameterSets;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.describers.delete(done);
        this.follow();
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.describers.add(done);
      this.follow();
      this.throttle.request();
    });
    return this.parameterSets;
  }

  /** The RTP timestamp of `nowMs`, once a unit has gone out. */
  rtpTimestampAt(nowMs: number): number | undefined {
    if (this.lastPts === undefined) return undefined;
    return (this.lastPts + Math.round((nowMs - this.lastUnitAt) * 90)) >>> 0;
  }

  stats(): RtspStreamStats {
    let bytesSent = this.retiredBytes;
    let skippedToKeyframe = this.retiredSkips;
    let clients = 0;
    for (const session of this.sessions) {
      bytesSent += session.bytesSent;
      skippedToKeyframe += session.skippedToKeyframe;
      if (session.playing) clients++;
    }
    return { clients, sessions: this.sessions.size, bytesSent, skippedToKeyframe };
  }

  /** Stops following the source and wakes every waiting DESCRIBE; sessions are the server's. */
  close(): void {
    this.closed = true;
    this.throttle.close();
    for (const done of [...this.describers]) done();
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  private readonly onUnit = (unit: AccessUnit): void => {
    if (unit.keyframe) {
      const found = findParameterSets(unit.data);
      if (found) {
        this.parameterSets = found;
        for (const done of [...this.describers]) done();
      }
    }
    this.lastPts = unit.pts;
    this.lastUnitAt = Date.now();
    this.fanout.push(unit);
  };

  /** Subscribed exactly while someone needs the units. */
  private follow(): void {
    const wanted = !this.closed && (this.fanout.size > 0 || this.describers.size > 0);
    if (wanted && this.unsubscribe === undefined) {
      this.unsubscribe = this.source.subscribe(this.onUnit);
    } else if (!wanted && this.unsubscribe !== undefined) {
      const unsubscribe = this.unsubscribe;
      this.unsubscribe = undefined;
      unsubscribe();
    }
  }
}
