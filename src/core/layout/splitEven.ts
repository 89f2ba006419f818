/** A stretch of one axis of the canvas, in pixels. */
export interface Span {
  start: number;
  size: number;
}

/**
 * Cuts `length` pixels into consecutive spans in proportion to integer `weights`, with every edge
 * on an even pixel: H.264 here is 4:2:0, one chroma sample per 2x2 pixels, so an odd edge would
 * split a chroma sample between two cameras.
 *
 * Each edge is the exact proportional position rounded (half up) to an even pixel, computed in
 * integers, so the spans always cover the length with no gap or overlap and the leftover pixels
 * land in the same places every time: 1920 / 7 → 274, 274, 274, 276, 274, 274, 274. An odd
 * `length` leaves its last pixel to no span; output sizes are even, so that never happens there.
 */
export function splitEven(length: number, weights: readonly number[]): Span[] {
  const pairs = Math.floor(length / 2);
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const spans: Span[] = [];
  let reached = 0;
  let start = 0;
  for (const weight of weights) {
    reached += weight;
    const end = 2 * Math.floor((2 * pairs * reached + total) / (2 * total));
    spans.push({ start, size: end - start });
    start = end;
  }
  return spans;
}

/** `parts` spans of (nearly) equal size; see {@link splitEven}. */
export function splitEqually(length: number, parts: number): Span[] {
  return splitEven(length, new Array<number>(parts).fill(1));
}
