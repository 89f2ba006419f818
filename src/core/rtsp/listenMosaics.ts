import type { RtspServerConfig } from '../config/serverSchema';
import type { Logger } from '../logger';
import type { Stitcher } from '../stitcher/stitcher';
import { RtspServer } from './rtspServer';
import { firstMosaicAlias, serveMosaics } from './stitcherSource';

export interface ListenMosaicsOptions {
  /** server.host, for an `rtsp` without its own host. */
  host: string;
  /** Overrides `settings.port` (tests: 0 takes a free one). */
  port?: number;
  logger: Logger;
}

/**
 * An RTSP server serving every mosaic by name (the first also at /mosaic), listening. A new
 * server for each try: one whose port was taken is closed here, so a later start tries afresh.
 */
export async function listenMosaics(
  settings: RtspServerConfig,
  mosaics: ReadonlyMap<string, Stitcher>,
  options: ListenMosaicsOptions,
): Promise<RtspServer> {
  const server = new RtspServer({
    ...settings,
    host: settings.host ?? options.host,
    port: options.port ?? settings.port,
    logger: options.logger,
  });
  serveMosaics(server, mosaics);
  try {
    await server.listen();
  } catch (error) {
    await server.close();
    throw error;
  }
  // What a user types into an NVR or VLC; Homebridge users see nothing else of it.
  const alias = mosaics.has(firstMosaicAlias) ? undefined : firstMosaicAlias;
  const served = [...mosaics.keys()].map((name, index) =>
    index === 0 && alias ? `${name} at /${alias} and /${name}` : `${name} at /${name}`,
  );
  const login = settings.username === undefined ? 'no login' : `login ${settings.username}`;
  options.logger.info(`serving mosaic ${served.join(', ')} on port ${server.port} (${login})`);
  return server;
}
