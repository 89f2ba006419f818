/**
 * The NAL units of an Annex-B access unit (3- or 4-byte start codes), without their start codes,
 * lazily: a caller that stops early (at the first slice) never scans the rest. The encoder hands
 * every output (WebRTC, RTSP, fMP4) its access units in this form.
 */
export function* nalUnits(data: Buffer): Generator<Buffer> {
  let start = nextStart(data, 0);
  while (start !== -1) {
    const next = nextStart(data, start);
    let end = next === -1 ? data.length : next - 3;
    // A 4-byte start code's leading zero belongs to it, not to the NAL before.
    if (next !== -1 && end > start && data[end - 1] === 0) end--;
    if (end > start) yield data.subarray(start, end);
    start = next;
  }
}

/** Offset just past the next `00 00 01` at or after `from`, or -1. */
function nextStart(data: Buffer, from: number): number {
  for (let i = from; i + 2 < data.length; i++) {
    if (data[i + 2] > 1) {
      i += 2;
    } else if (data[i] === 0 && data[i + 1] === 0 && data[i + 2] === 1) {
      return i + 3;
    }
  }
  return -1;
}
