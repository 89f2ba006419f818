import { WebSocket } from 'ws';
import type { Fmp4Fragment, Fmp4Init } from '../fmp4/fmp4Muxer';

export interface MseClientLimits {
  /** Past this many bytes queued on the socket, the client skips to the next keyframe. */
  maxBufferedBytes: number;
  /** A client that stays past `maxBufferedBytes` this long is dropped. */
  stallDropMs: number;
}

/** One client's numbers, for stats. */
export interface MseClientStats {
  id: number;
  remoteAddress: string;
  /** Milliseconds since the Unix epoch. */
  since: number;
  bytesSent: number;
  fragmentsSent: number;
  /** Times it fell behind and skipped to the next keyframe. */
  skips: number;
  bufferedBytes: number;
}

/**
 * One MSE viewer on a WebSocket. It starts on a keyframe, preceded by its codec (a text
 * message, JSON) and its init segment; each later fragment is one binary message. A socket that
 * cannot keep up skips to the next keyframe (a gap the player jumps), and is closed when it
 * stays behind: the server never buffers without bound.
 */
export class MseClient {
  readonly since = Date.now();
  bytesSent = 0;
  fragmentsSent = 0;
  skips = 0;
  private waitingForKeyframe = true;
  private behindSince: number | undefined;
  private sentInit: Fmp4Init | undefined;

  constructor(
    readonly id: number,
    readonly remoteAddress: string,
    private readonly socket: WebSocket,
    private readonly limits: MseClientLimits,
    private readonly askForKeyframe: () => void,
    private readonly onDrop: (client: MseClient, reason: string) => void,
  ) {}

  deliver(fragment: Fmp4Fragment): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    if (this.socket.bufferedAmount > this.limits.maxBufferedBytes) {
      this.fallBehind();
      return;
    }
    this.behindSince = undefined;
    if (this.waitingForKeyframe) {
      if (!fragment.keyframe) return;
      this.waitingForKeyframe = false;
    }
    if (this.sentInit !== fragment.init) {
      const { codec, mimeType, width, height } = fragment.init;
      this.send(JSON.stringify({ type: 'mse', codec, mimeType, width, height }));
      this.send(fragment.init.data);
      this.sentInit = fragment.init;
    }
    this.send(fragment.data);
    this.fragmentsSent++;
  }

  stats(): MseClientStats {
    return {
      id: this.id,
      remoteAddress: this.remoteAddress,
      since: this.since,
      bytesSent: this.bytesSent,
      fragmentsSent: this.fragmentsSent,
      skips: this.skips,
      bufferedBytes: this.socket.bufferedAmount,
    };
  }

  private fallBehind(): void {
    const now = Date.now();
    if (this.behindSince === undefined) {
      this.behindSince = now;
      if (!this.waitingForKeyframe) {
        this.waitingForKeyframe = true;
        this.skips++;
        this.askForKeyframe();
      }
    } else if (now - this.behindSince > this.limits.stallDropMs) {
      this.onDrop(this, `${this.socket.bufferedAmount} bytes unsent for ${now - this.behindSince} ms`);
    }
  }

  private send(data: Buffer | string): void {
    this.bytesSent += typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    this.socket.send(data);
  }
}
