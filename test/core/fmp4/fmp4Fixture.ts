import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EncodedAccessUnit } from '../../../src/core/fmp4/fmp4Muxer';
import { Fmp4Stream, type StitcherLike } from '../../../src/core/fmp4/fmp4Stream';
import { HlsOutput, type HlsOutputOptions } from '../../../src/core/hls/hlsOutput';
import { createLogger } from '../../../src/core/logger';
import { MseServer, type MseServerOptions } from '../../../src/core/mse/mseServer';
import { Stitcher } from '../../../src/core/stitcher/stitcher';
import { colourMosaicConfig, recordingSink } from '../../helpers/colourMosaic';
import { waitFor } from '../../helpers/wait';

/** The colour mosaic (2×2 red, lime, blue, yellow at 640x360) as MSE on `/mse` and HLS on `/hls/`. */
export interface Fmp4Fixture {
  stitcher: Stitcher;
  stream: Fmp4Stream;
  mse: MseServer;
  hls: HlsOutput;
  server: Server;
  /** `http://127.0.0.1:<port>` */
  base: string;
  logLines: string[];
  stop(): Promise<void>;
}

export interface Fmp4FixtureOptions {
  idleAfterMs?: number;
  mse?: MseServerOptions;
  hls?: HlsOutputOptions;
  /**
   * Filler bytes (NAL type 12, which decoders skip, H.264 §7.4.2.7) after every unit: the
   * solid-colour mosaic alone is a few kbit/s, too little to fill a stalled reader's socket.
   */
  padBytes?: number;
  /** Other routes (a test page); true when it answered. */
  extra?: (request: IncomingMessage, response: ServerResponse) => boolean;
}

/**
 * Starts a Stitcher on demo cameras and a plain HTTP server on 127.0.0.1 port 0 mounting the
 * MSE and HLS handlers as the HTTP layer would. `stop()` is safe after a failed start.
 */
export async function startFmp4Fixture(options: Fmp4FixtureOptions = {}): Promise<Fmp4Fixture> {
  const logLines: string[] = [];
  const stitcher = new Stitcher(colourMosaicConfig(), {
    logger: createLogger('stitcher', recordingSink(logLines)),
    idleAfterMs: options.idleAfterMs,
  });
  const stream = new Fmp4Stream(options.padBytes ? padded(stitcher, options.padBytes) : stitcher);
  const mse = new MseServer(stream, { logger: createLogger('mse', recordingSink(logLines)), ...options.mse });
  const hls = new HlsOutput(stream, { logger: createLogger('hls', recordingSink(logLines)), ...options.hls });
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    if (path.startsWith('/hls/')) hls.handle(request, response, path.slice('/hls/'.length));
    else if (!options.extra?.(request, response)) response.writeHead(404).end();
  });
  mse.attach(server, '/mse');
  const stop = async () => {
    mse.close();
    hls.close();
    stream.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await stitcher.stop();
  };
  try {
    await stitcher.start();
    await waitFor('all cameras live', () => stitcher.stats().cameras.every((c) => c.state === 'live'), 15000);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  } catch (error) {
    await stop();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  return { stitcher, stream, mse, hls, server, base: `http://127.0.0.1:${port}`, logLines, stop };
}

/** The Stitcher as the fMP4 stream sees it, each access unit followed by filler data. */
function padded(stitcher: Stitcher, bytes: number): StitcherLike {
  const filler = Buffer.concat([
    Buffer.from([0, 0, 0, 1, 0x0c]),
    Buffer.alloc(bytes, 0xff),
    Buffer.from([0x80]),
  ]);
  type Listener = (unit: EncodedAccessUnit) => void;
  const wrapped = new Map<Listener, Listener>();
  const like = {
    mosaic: stitcher.mosaic,
    want: (reason: string) => stitcher.want(reason),
    requestKeyframe: () => stitcher.requestKeyframe(),
    on(_event: 'accessunit', listener: Listener) {
      const wrapper: Listener = (unit) => listener({ ...unit, data: Buffer.concat([unit.data, filler]) });
      wrapped.set(listener, wrapper);
      stitcher.on('accessunit', wrapper);
      return like;
    },
    off(_event: 'accessunit', listener: Listener) {
      const wrapper = wrapped.get(listener);
      if (wrapper) stitcher.off('accessunit', wrapper);
      wrapped.delete(listener);
      return like;
    },
  };
  return like as unknown as StitcherLike;
}
