import { execFile } from 'node:child_process';
import type { PixelRect, RgbFrame } from '../fixtures/pixels';

/**
 * Text read by Debian's tesseract from a region of a decoded picture, as a user would read it.
 * Labels are white on a black box; tesseract reads dark text on light best, so the region is
 * turned to grey and inverted first, and narrowed to where the text is: `box` narrows it to the
 * bounding box of its near-black pixels (a label's box on a picture: tesseract's own thresholding
 * would otherwise take the whole box for a dark image); otherwise to its bright pixels (text on a
 * black tile), with a margin.
 */
export async function readText(
  frame: RgbFrame,
  rect: PixelRect,
  options: { box?: boolean } = {},
): Promise<string> {
  const found = options.box
    ? boundingBox(frame, rect, (sum) => sum <= 3 * 24)
    : widen(
        boundingBox(frame, rect, (sum) => sum >= 3 * 128),
        rect,
        12,
      );
  const region = found ?? rect;
  const grey = Buffer.alloc(region.width * region.height);
  for (let y = 0; y < region.height; y++) {
    for (let x = 0; x < region.width; x++) {
      const at = ((region.y + y) * frame.width + region.x + x) * 3;
      const luma = 0.299 * frame.data[at] + 0.587 * frame.data[at + 1] + 0.114 * frame.data[at + 2];
      grey[y * region.width + x] = 255 - Math.round(luma);
    }
  }
  const pgm = Buffer.concat([Buffer.from(`P5 ${region.width} ${region.height} 255\n`), grey]);
  return new Promise((resolve, reject) => {
    const child = execFile(
      'tesseract',
      ['stdin', 'stdout', '--psm', '7'],
      { timeout: 15_000 },
      (error, stdout) => (error ? reject(error) : resolve(stdout.trim())),
    );
    child.stdin?.end(pgm);
  });
}

function widen(box: PixelRect | undefined, within: PixelRect, margin: number): PixelRect | undefined {
  if (!box) return undefined;
  const x = Math.max(within.x, box.x - margin);
  const y = Math.max(within.y, box.y - margin);
  const right = Math.min(within.x + within.width, box.x + box.width + margin);
  const bottom = Math.min(within.y + within.height, box.y + box.height + margin);
  return { x, y, width: right - x, height: bottom - y };
}

function boundingBox(
  frame: RgbFrame,
  rect: PixelRect,
  matches: (rgbSum: number) => boolean,
): PixelRect | undefined {
  let left = Infinity,
    top = Infinity,
    right = -1,
    bottom = -1;
  for (let y = rect.y; y < rect.y + rect.height; y++) {
    for (let x = rect.x; x < rect.x + rect.width; x++) {
      const at = (y * frame.width + x) * 3;
      if (!matches(frame.data[at] + frame.data[at + 1] + frame.data[at + 2])) continue;
      left = Math.min(left, x);
      right = Math.max(right, x);
      top = Math.min(top, y);
      bottom = Math.max(bottom, y);
    }
  }
  if (right < 0) return undefined;
  return { x: left, y: top, width: right - left + 1, height: bottom - top + 1 };
}
