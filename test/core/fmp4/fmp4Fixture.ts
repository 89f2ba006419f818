import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Fmp4Stream } from '../../../src/core/fmp4/fmp4Stream';
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
  const stream = new Fmp4Stream(stitcher);
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
