import type { Logger } from '../logger';
import type { WhepSessions } from '../webrtc/whepSessions';
import { HttpServer } from './httpServer';
import { MosaicMetrics } from './metrics';
import type { MosaicControl } from './mosaicControl';
import { layoutRoutes } from './routes/layoutRoutes';
import { pageRoutes } from './routes/pageRoutes';
import { statusRoutes } from './routes/statusRoutes';
import { whepRoutes } from './routes/whepRoutes';

export interface MosaicServerOptions {
  host: string;
  port: number;
  token?: string;
  logger: Logger;
  /** Largest request body (an SDP offer, a layout). Default 64 KiB. */
  maxBodyBytes?: number;
}

/** The HTTP server with every route of the mosaic: page, WHEP, stats, metrics, snapshot, layout. */
export function createMosaicServer(
  mosaic: MosaicControl,
  sessions: WhepSessions,
  options: MosaicServerOptions,
): HttpServer {
  const maxBodyBytes = options.maxBodyBytes ?? 64 * 1024;
  const metrics = new MosaicMetrics({ stats: () => mosaic.stats(), viewers: () => sessions.stats() });
  const routes = [
    ...pageRoutes(),
    ...whepRoutes(sessions, maxBodyBytes),
    ...statusRoutes(mosaic, sessions, metrics),
    ...layoutRoutes(mosaic, maxBodyBytes),
  ];
  return new HttpServer(routes, {
    host: options.host,
    port: options.port,
    token: options.token,
    logger: options.logger,
  });
}
