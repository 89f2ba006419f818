import type { Logger } from '../logger';
import type { RtspStreamStats } from '../rtsp/rtspStream';
import type { WhepSessions } from '../webrtc/whepSessions';
import { HttpError } from './httpError';
import { HttpServer } from './httpServer';
import { MosaicMetrics } from './metrics';
import type { MosaicControl } from './mosaicControl';
import type { MosaicPlayback } from './mosaicPlayback';
import type { Route, UpgradeRoute } from './route';
import { hlsRoutes, mseUpgrades } from './routes/playbackRoutes';
import { layoutRoutes } from './routes/layoutRoutes';
import { pageRoutes } from './routes/pageRoutes';
import { SnapshotGate, statusRoutes } from './routes/statusRoutes';
import { whepRoutes } from './routes/whepRoutes';

/** One mosaic as the server sees it: its name (its routes' prefix), control and viewers. */
export interface ServedMosaic {
  name: string;
  control: MosaicControl;
  sessions: WhepSessions;
  /** MSE and HLS (`mse`, `hls/…`), when served. */
  playback?: MosaicPlayback;
}

export interface MosaicServerOptions {
  host: string;
  port: number;
  token?: string;
  /** See HttpServerOptions. */
  corsOrigins?: readonly string[];
  allowedHosts?: readonly string[];
  logger: Logger;
  /** Largest request body (an SDP offer, a layout). Default 64 KiB. */
  maxBodyBytes?: number;
  /** What `/stats` answers (every mosaic); default the first mosaic's document. */
  stats?: () => unknown;
  /** See HttpServerOptions; default a quarter of `ulimit -n`. */
  maxConnections?: number;
  /** A mosaic's RTSP clients for /metrics, when the RTSP server runs. */
  rtspStats?: (mosaic: string) => RtspStreamStats | undefined;
}

/**
 * The HTTP server with every route of every mosaic: each under `/mosaics/<name>/` (page, whep,
 * stats, snapshot.jpg, layout, mse, hls/), the first also at the root (`/`, `/whep`, `/stats`,
 * `/snapshot.jpg`, `/api/layout`, `/mse`, `/hls/`), and `/metrics` (the first mosaic's figures,
 * every camera).
 */
export function createMosaicServer(
  mosaics: readonly ServedMosaic[],
  options: MosaicServerOptions,
): HttpServer {
  const [first] = mosaics;
  if (!first) throw new RangeError('a server needs at least one mosaic');
  const maxBodyBytes = options.maxBodyBytes ?? 64 * 1024;
  const snapshots = new SnapshotGate();
  const metrics = new MosaicMetrics({
    stats: () => first.control.stats(),
    viewers: () => first.sessions.stats(),
    transports: () => ({ playback: first.playback?.stats(), rtsp: options.rtspStats?.(first.name) }),
  });
  const routes: Route[] = [
    ...pageRoutes(),
    ...whepRoutes(first.sessions, maxBodyBytes),
    ...statusRoutes(first.control, first.sessions, { metrics, snapshots, stats: options.stats }),
    ...layoutRoutes(first.control, maxBodyBytes),
  ];
  const upgrades: UpgradeRoute[] = [];
  if (first.playback) {
    routes.push(...hlsRoutes(first.playback.hls));
    upgrades.push(...mseUpgrades(first.playback.mse));
  }
  for (const { name, control, sessions, playback } of mosaics) {
    const prefix = `/mosaics/${name}`;
    routes.push(
      ...pageRoutes(prefix),
      ...whepRoutes(sessions, maxBodyBytes, prefix),
      ...statusRoutes(control, sessions, { prefix, snapshots }),
      ...layoutRoutes(control, maxBodyBytes, `${prefix}/layout`),
    );
    if (playback) {
      routes.push(...hlsRoutes(playback.hls, prefix));
      upgrades.push(...mseUpgrades(playback.mse, prefix));
    }
  }
  routes.push(...unknownMosaicRoutes(mosaics.map((m) => m.name)));
  return new HttpServer(routes, {
    host: options.host,
    port: options.port,
    token: options.token,
    corsOrigins: options.corsOrigins,
    allowedHosts: options.allowedHosts,
    logger: options.logger,
    maxConnections: options.maxConnections,
    upgrades,
  });
}

/**
 * `/mosaics/<unknown>/…` → 404 naming it, for any method. Public, like the pages: whether a
 * mosaic exists is no secret (its page answers without the token).
 */
function unknownMosaicRoutes(names: readonly string[]): Route[] {
  // Names are `[a-z0-9_-]` (mosaicSchema), nothing a pattern would read specially.
  const path = new RegExp(`^/mosaics/(?!(?:${names.join('|')})(?:/|$))(?<name>[^/]+)(?:/.*)?$`);
  const methods: Route['method'][] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
  return methods.map((method) => ({
    method,
    path,
    public: true,
    handle({ params }) {
      throw new HttpError(404, `no mosaic named ${JSON.stringify(params.name)}`);
    },
  }));
}
