import type { LogSink } from '../../src/core/logger';
import { meanColour, type RgbFrame } from '../fixtures/pixels';

/** Four solid-colour demo cameras (FFmpeg lavfi, no RTSP) whose tile colours we can check. */
export const colours = {
  red: [255, 0, 0],
  lime: [0, 255, 0],
  blue: [0, 0, 255],
  yellow: [255, 255, 0],
} as const;
export type ColourName = keyof typeof colours;

/** A 2×2 grid of the four colours, small so that ten viewers fit on two shared cores. */
export function colourMosaicConfig(width = 640, height = 360, extra: Record<string, unknown> = {}) {
  return {
    cameras: Object.keys(colours).map((name) => ({ name, url: `demo:color?c=${name}&size=320x180&rate=25` })),
    output: { width, height, fps: 25, bitrate: 1_000_000, gop: 50 },
    layout: { preset: 'grid', cameras: ['red', 'lime', 'blue', 'yellow'], rows: 2, columns: 2 },
    ...extra,
  };
}

/** The colour shown in each quadrant of a 2×2 grid frame, by nearest named colour. */
export function quadrantColours(frame: RgbFrame): ColourName[] {
  const w = frame.width / 2;
  const h = frame.height / 2;
  return [
    [0, 0],
    [w, 0],
    [0, h],
    [w, h],
  ].map(([x, y]) => nearestColour(meanColour(frame, { x, y, width: w, height: h }, 16)));
}

function nearestColour(rgb: number[]): ColourName {
  let best: ColourName = 'red';
  let bestDistance = Infinity;
  for (const [name, value] of Object.entries(colours) as [ColourName, readonly number[]][]) {
    const distance = value.reduce((sum, v, i) => sum + (v - rgb[i]) ** 2, 0);
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  // 60 per channel covers limited-range YUV and x264 at a low bitrate; beyond that it is wrong.
  if (bestDistance > 3 * 60 ** 2) throw new Error(`colour ${rgb.join(',')} is none of the four`);
  return best;
}

/** Keeps log lines for a failing test's message instead of flooding the test output. */
export function recordingSink(lines: string[]): LogSink {
  return (level, scope, message) => {
    lines.push(`${level} [${scope}] ${message}`);
    if (lines.length > 500) lines.shift();
  };
}
