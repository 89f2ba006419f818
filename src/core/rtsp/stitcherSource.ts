import type { StitcherLike } from '../stitcher/stitcherTypes';
import type { RtspServer } from './rtspServer';
import type { RtspStreamSource } from './rtspStream';

/** Re-exported for the RTSP server's callers (defined once, in stitcherTypes.ts). */
export type { StitcherLike };

/**
 * A Stitcher as an RTSP stream: while subscribed it holds an `rtsp` lease on the encode (a
 * resting encoder wakes for the first client and may rest again after the last).
 */
export function stitcherStreamSource(stitcher: StitcherLike): RtspStreamSource {
  const { width, height } = stitcher.mosaic.output;
  return {
    subscribe(onUnit) {
      const release = stitcher.want('rtsp');
      stitcher.on('accessunit', onUnit);
      return () => {
        stitcher.off('accessunit', onUnit);
        release();
      };
    },
    requestKeyframe: () => stitcher.requestKeyframe(),
    size: { width, height },
  };
}

/** Where the first mosaic is also served, as `/` is its page. */
export const firstMosaicAlias = 'mosaic';

/** What `serveMosaics` adds to. */
export type RtspStreamHost = Pick<RtspServer, 'addStream' | 'addAlias'>;

/**
 * Serves every mosaic at `/<name>` and the first also at `/mosaic` (unless a mosaic has that
 * name): the whole wiring of an RTSP server to a config's mosaics, in config order.
 */
export function serveMosaics(server: RtspStreamHost, mosaics: ReadonlyMap<string, StitcherLike>): void {
  for (const [name, stitcher] of mosaics) server.addStream(name, stitcherStreamSource(stitcher));
  const first = mosaics.keys().next();
  if (!first.done && !mosaics.has(firstMosaicAlias)) server.addAlias(firstMosaicAlias, first.value);
}
