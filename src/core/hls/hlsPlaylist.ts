import type { HlsPart, HlsSegment, OpenSegment } from './hlsSegmenter';

/** URI of an init segment: `init.mp4` for the newest, `init-<id>.mp4` for one before it. */
export function initUri(initId: number, newestId: number): string {
  return initId === newestId ? 'init.mp4' : `init-${initId}.mp4`;
}

/** Low-latency HLS (RFC 8216bis §4.4.3.7, §4.4.4.9, §6.2.5.2): parts, blocking reload, a hint. */
export interface LowLatency {
  partTargetS: number;
  /** The segment being filled, whose parts are listed after the last finished one. */
  open: OpenSegment | undefined;
  /** Its sequence number, or the next segment's when none is open. */
  nextSequence: number;
}

/**
 * A live media playlist (RFC 8216 §4.3.3) over `segments`, oldest first: version 7 for fMP4
 * segments with EXT-X-MAP (§4.3.2.5, §7); a new EXT-X-MAP and EXT-X-DISCONTINUITY where the
 * init segment changes (a new SPS); never EXT-X-ENDLIST (it is live). `targetDurationS` must
 * not change while the playlist lives (§6.2.1) and be at least every EXTINF rounded to the
 * nearest integer (§4.3.3.1). Each segment has its EXT-X-PROGRAM-DATE-TIME. With
 * `lowLatency`, the parts of the last three target durations and of the open segment, and a
 * preload hint for the next part.
 */
export function mediaPlaylist(
  segments: readonly HlsSegment[],
  targetDurationS: number,
  lowLatency?: LowLatency,
): string {
  const open = lowLatency?.open;
  const newestInit = open?.init.id ?? segments.at(-1)?.init.id ?? 0;
  const lines = ['#EXTM3U', '#EXT-X-VERSION:7', `#EXT-X-TARGETDURATION:${targetDurationS}`];
  if (lowLatency) {
    const part = lowLatency.partTargetS;
    // §4.4.3.8: PART-HOLD-BACK at least twice the part target; three times is recommended.
    lines.push(
      `#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=${(3 * part).toFixed(3)}`,
      `#EXT-X-PART-INF:PART-TARGET=${part.toFixed(3)}`,
    );
  }
  lines.push(
    `#EXT-X-MEDIA-SEQUENCE:${segments[0]?.sequence ?? lowLatency?.nextSequence ?? 0}`,
    `#EXT-X-DISCONTINUITY-SEQUENCE:${segments[0]?.discontinuity ?? 0}`,
    // Every segment starts with a keyframe.
    '#EXT-X-INDEPENDENT-SEGMENTS',
  );
  // §4.4.4.9: parts are listed for the segments within three target durations of the end.
  let sinceEndS = 0;
  const withParts = new Set<HlsSegment>();
  for (let i = segments.length - 1; i >= 0 && lowLatency && sinceEndS < 3 * targetDurationS; i--) {
    withParts.add(segments[i]);
    sinceEndS += segments[i].durationS;
  }
  let previousInit = segments[0]?.init;
  if (previousInit) lines.push(`#EXT-X-MAP:URI="${initUri(previousInit.id, newestInit)}"`);
  for (const segment of segments) {
    if (segment.init !== previousInit) lines.push(...initChange(segment.init.id, newestInit));
    previousInit = segment.init;
    // Apple's authoring spec asks for it: players show the time of day and line up clocks.
    lines.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(segment.startedAtMs).toISOString()}`);
    if (withParts.has(segment)) lines.push(...partLines(segment.sequence, segment.parts));
    lines.push(`#EXTINF:${segment.durationS.toFixed(3)},`, `${segment.sequence}.m4s`);
  }
  if (lowLatency) {
    if (open) {
      if (!previousInit) lines.push(`#EXT-X-MAP:URI="${initUri(open.init.id, newestInit)}"`);
      else if (open.init !== previousInit) lines.push(...initChange(open.init.id, newestInit));
      lines.push(...partLines(open.sequence, open.parts));
    }
    const hint = open ? `${open.sequence}.${open.parts.length}` : `${lowLatency.nextSequence}.0`;
    lines.push(`#EXT-X-PRELOAD-HINT:TYPE=PART,URI="${hint}.m4s"`);
  }
  return `${lines.join('\n')}\n`;
}

function initChange(id: number, newestId: number): string[] {
  return ['#EXT-X-DISCONTINUITY', `#EXT-X-MAP:URI="${initUri(id, newestId)}"`];
}

function partLines(sequence: number, parts: readonly HlsPart[]): string[] {
  return parts.map(
    (part) =>
      `#EXT-X-PART:DURATION=${part.durationS.toFixed(3)},URI="${sequence}.${part.index}.m4s"` +
      (part.independent ? ',INDEPENDENT=YES' : ''),
  );
}

/** What a multivariant playlist says of the one variant (RFC 8216 §4.3.4.2). */
export interface Variant {
  /** The media playlist's URI, relative to the multivariant one. */
  uri: string;
  /** Peak segment bit rate, bits/s. */
  bandwidth: number;
  /** Mean bit rate over the segments, bits/s. */
  averageBandwidth: number;
  /** RFC 6381 codec of the init segment, e.g. `avc1.64001f`. */
  codec: string;
  width: number;
  height: number;
  fps: number;
}

/**
 * A multivariant playlist with one variant: Safari, iOS and Apple TV read CODECS, RESOLUTION
 * and FRAME-RATE from it before loading anything (Apple's HLS authoring spec asks for every
 * one of them), and `CLOSED-CAPTIONS=NONE` says there are none to look for.
 */
export function multivariantPlaylist(variant: Variant): string {
  const attributes = [
    `BANDWIDTH=${Math.ceil(variant.bandwidth)}`,
    `AVERAGE-BANDWIDTH=${Math.ceil(variant.averageBandwidth)}`,
    `CODECS="${variant.codec}"`,
    `RESOLUTION=${variant.width}x${variant.height}`,
    `FRAME-RATE=${variant.fps.toFixed(3)}`,
    'CLOSED-CAPTIONS=NONE',
  ];
  return [
    '#EXTM3U',
    '#EXT-X-VERSION:7',
    '#EXT-X-INDEPENDENT-SEGMENTS',
    `#EXT-X-STREAM-INF:${attributes.join(',')}`,
    variant.uri,
    '',
  ].join('\n');
}

/** Peak and mean bit rate of `segments` (bits/s); 0 for none. */
export function segmentBitRates(segments: readonly HlsSegment[]): { peak: number; average: number } {
  let [peak, bytes, seconds] = [0, 0, 0];
  for (const segment of segments) {
    if (segment.durationS <= 0) continue;
    peak = Math.max(peak, (segment.data.length * 8) / segment.durationS);
    bytes += segment.data.length;
    seconds += segment.durationS;
  }
  return { peak, average: seconds > 0 ? (bytes * 8) / seconds : 0 };
}

/**
 * The playlist with `query` (e.g. `token=…`) on every URI in it: a player resolves them against
 * the playlist's URL without its query, so a token given there would not reach the segments.
 */
export function withQuery(playlist: string, query: string): string {
  if (query === '') return playlist;
  // A URI is in a quoted attribute, or a line of its own (every line not a tag).
  return playlist
    .replace(/URI="([^"?]+)"/g, `URI="$1?${query}"`)
    .replace(/^([^#\n?][^\n?]*)$/gm, `$1?${query}`);
}
