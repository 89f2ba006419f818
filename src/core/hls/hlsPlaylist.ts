import type { HlsSegment } from './hlsSegmenter';

/** URI of an init segment: `init.mp4` for the newest, `init-<id>.mp4` for one before it. */
export function initUri(initId: number, newestId: number): string {
  return initId === newestId ? 'init.mp4' : `init-${initId}.mp4`;
}

/**
 * A live media playlist (RFC 8216 §4.3.3) over `segments`, oldest first: version 7 for fMP4
 * segments with EXT-X-MAP (§4.3.2.5, §7); a new EXT-X-MAP and EXT-X-DISCONTINUITY where the
 * init segment changes (a new SPS); never EXT-X-ENDLIST (it is live).
 * `targetDurationS` must not change while the playlist lives (§6.2.1) and be at least every
 * EXTINF rounded to the nearest integer (§4.3.3.1).
 */
export function mediaPlaylist(segments: readonly HlsSegment[], targetDurationS: number): string {
  const newestInit = segments.at(-1)?.init.id ?? 0;
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:7',
    `#EXT-X-TARGETDURATION:${targetDurationS}`,
    `#EXT-X-MEDIA-SEQUENCE:${segments[0]?.sequence ?? 0}`,
    `#EXT-X-DISCONTINUITY-SEQUENCE:${segments[0]?.discontinuity ?? 0}`,
    // Every segment starts with a keyframe.
    '#EXT-X-INDEPENDENT-SEGMENTS',
  ];
  let previous: HlsSegment | undefined;
  for (const segment of segments) {
    if (previous && previous.init !== segment.init) lines.push('#EXT-X-DISCONTINUITY');
    if (previous?.init !== segment.init)
      lines.push(`#EXT-X-MAP:URI="${initUri(segment.init.id, newestInit)}"`);
    lines.push(`#EXTINF:${segment.durationS.toFixed(3)},`, `${segment.sequence}.m4s`);
    previous = segment;
  }
  return `${lines.join('\n')}\n`;
}
