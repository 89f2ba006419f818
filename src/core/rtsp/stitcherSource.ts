import type { Stitcher } from '../stitcher/stitcher';
import type { RtspStreamSource } from './rtspStream';

/** What the RTSP server uses of a Stitcher. */
export type StitcherLike = Pick<Stitcher, 'on' | 'off' | 'want' | 'requestKeyframe' | 'mosaic'>;

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
