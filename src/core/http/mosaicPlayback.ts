import { Fmp4Stream, type StitcherLike } from '../fmp4/fmp4Stream';
import { HlsOutput, type HlsOutputStats } from '../hls/hlsOutput';
import type { Logger } from '../logger';
import { MseServer, type MseServerStats } from '../mse/mseServer';

export interface MosaicPlaybackOptions {
  /** MSE clients at once (each past it gets 503). Default 10. */
  maxMseClients?: number;
  logger: Logger;
}

/** What `/stats` says of a mosaic's MSE and HLS clients. */
export interface MosaicPlaybackStats {
  mse: Omit<MseServerStats, 'viewers'>;
  hls: HlsOutputStats;
}

/**
 * One mosaic's players that need no WebRTC: MSE over a WebSocket and HLS, both repackaging the
 * one fMP4 mux of the mosaic's encode (no second encode). Neither costs anything until a client
 * comes: the mux listens only while subscribed, and each holds a lease on the encoder only while
 * it has clients.
 */
export class MosaicPlayback {
  readonly mse: MseServer;
  readonly hls: HlsOutput;
  private readonly stream: Fmp4Stream;

  constructor(stitcher: StitcherLike, options: MosaicPlaybackOptions) {
    this.stream = new Fmp4Stream(stitcher);
    this.mse = new MseServer(this.stream, { maxClients: options.maxMseClients, logger: options.logger });
    this.hls = new HlsOutput(this.stream, { logger: options.logger });
  }

  stats(): MosaicPlaybackStats {
    const { clients, maxClients, bytesSent, skips, drops, refused } = this.mse.stats();
    return { mse: { clients, maxClients, bytesSent, skips, drops, refused }, hls: this.hls.stats() };
  }

  /** Ends every MSE client and the HLS run. Idempotent. */
  close(): void {
    this.mse.close();
    this.hls.close();
    this.stream.close();
  }
}
