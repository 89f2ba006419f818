/** The RTSP server's options, events and counters (rtspServer.ts re-exports them). */
import type { Logger } from '../logger';
import type { RtspStreamStats } from './rtspStream';

export interface RtspServerOptions {
  /** TCP port; default 8554, 0 picks a free one. */
  port?: number;
  /** Address to listen on; default 0.0.0.0. */
  host?: string;
  /** With `password`, every request but OPTIONS needs Basic or Digest credentials. */
  username?: string;
  password?: string;
  /** Sessions at once, over all streams; past it SETUP is a 503. Default 20. */
  maxClients?: number;
  /** A UDP session with no request or RTCP for this long is ended. Default 60000. */
  sessionTimeoutMs?: number;
  /** A client with more than this queued skips to the next keyframe. Default 2 MiB. */
  maxBufferedBytes?: number;
  /** A client congested this long is dropped. Default 10000. */
  stallDropMs?: number;
  /** A request must arrive whole within this long of its first byte. Default 10000. */
  headerTimeoutMs?: number;
  /**
   * DESCRIBE waits this long for a first keyframe's SPS/PPS, and PLAY for the keyframe its
   * client starts on (past it PLAY is answered without RTP-Info). Default 5000.
   */
  describeTimeoutMs?: number;
  logger?: Logger;
}

export interface RtspClientEvent {
  stream: string;
  session: string;
  address: string;
  transport: 'tcp' | 'udp';
}

export interface RtspServerEvents extends Record<string, unknown[]> {
  clientjoin: [RtspClientEvent];
  clientleave: [RtspClientEvent & { reason: string }];
  close: [];
}

export interface RtspServerStats {
  /** Sessions receiving media now, over all streams. */
  clients: number;
  sessions: number;
  connections: number;
  maxClients: number;
  /** Requests refused: malformed (400/413/505), unauthorized (401), full (503). */
  rejected: { malformed: number; unauthorized: number; full: number };
  /** By stream name (aliases not repeated). */
  streams: Record<string, RtspStreamStats>;
}
