import type { HlsOutput } from '../../hls/hlsOutput';
import type { MseServer } from '../../mse/mseServer';
import type { Route, UpgradeRoute } from '../route';
import { routePath } from './routePath';

/**
 * `<prefix>/hls/<file>`: the mosaic's HLS playlist, init segments, segments and parts. The token
 * may come as `?token=`: players fetch what the playlist names with no way to add a header, so
 * the playlist carries its request's query onto every URI.
 */
export function hlsRoutes(hls: HlsOutput, prefix = ''): Route[] {
  return [
    {
      method: 'GET',
      path: routePath(prefix, '/hls/(?<file>[A-Za-z0-9._-]+)'),
      tokenInQuery: true,
      handle({ req, res, params }) {
        hls.handle(req, res, params.file ?? '');
      },
    },
  ];
}

/** `<prefix>/mse`: the mosaic as fMP4 over a WebSocket (the page's fallback when WebRTC fails). */
export function mseUpgrades(mse: MseServer, prefix = ''): UpgradeRoute[] {
  return [
    { path: routePath(prefix, '/mse'), handle: (req, socket, head) => mse.handleUpgrade(req, socket, head) },
  ];
}
