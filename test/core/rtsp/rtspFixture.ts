import { RtspServer, type RtspServerOptions } from '../../../src/core/rtsp/rtspServer';
import { stitcherStreamSource } from '../../../src/core/rtsp/stitcherSource';
import type { RtspStreamSource } from '../../../src/core/rtsp/rtspStream';
import { createLogger } from '../../../src/core/logger';
import { Stitcher } from '../../../src/core/stitcher/stitcher';
import { colourMosaicConfig, recordingSink } from '../../helpers/colourMosaic';
import { waitFor } from '../../helpers/wait';

/** The colour mosaic (2×2 grid of red, lime, blue, yellow at 640x360) served over RTSP. */
export interface RtspFixture {
  stitcher: Stitcher;
  server: RtspServer;
  /** `rtsp://127.0.0.1:<port>/` */
  base: string;
  /** The server's and the stitcher's log lines, for failure messages and secret checks. */
  logLines: string[];
  stop(): Promise<void>;
}

export const streamName = 'colours';

/**
 * Starts the stitcher on demo cameras and an RTSP server on 127.0.0.1 port 0 serving it as
 * `colours`; `wrap` may change the source (e.g. pad its units), `idleAfterMs` how soon the
 * unwatched encoder rests. Stops both in `stop()`, which is safe to call after a failed start.
 */
export async function startRtspFixture(
  options: RtspServerOptions = {},
  wrap: (source: RtspStreamSource) => RtspStreamSource = (s) => s,
  idleAfterMs?: number,
): Promise<RtspFixture> {
  const logLines: string[] = [];
  const stitcher = new Stitcher(colourMosaicConfig(), {
    logger: createLogger('stitcher', recordingSink(logLines)),
    idleAfterMs,
  });
  const server = new RtspServer({
    port: 0,
    host: '127.0.0.1',
    logger: createLogger('rtsp', recordingSink(logLines)),
    ...options,
  });
  const stop = async () => {
    await server.close();
    await stitcher.stop();
  };
  try {
    await stitcher.start();
    await waitFor('all cameras live', () => stitcher.stats().cameras.every((c) => c.state === 'live'), 15000);
    server.addStream(streamName, wrap(stitcherStreamSource(stitcher)));
    await server.listen();
  } catch (error) {
    await stop();
    throw error;
  }
  return { stitcher, server, base: `rtsp://127.0.0.1:${server.port}/`, logLines, stop };
}
