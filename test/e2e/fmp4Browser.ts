import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { colours, type ColourName } from '../helpers/colourMosaic';

export const chromiumPath = '/usr/bin/chromium';

/** The player page's files, from the source tree (tsc does not copy them). */
const publicDirectory = join(__dirname, '..', '..', '..', 'src', 'core', 'http', 'public');
const hlsJs = join(__dirname, '..', '..', '..', 'node_modules', 'hls.js', 'dist', 'hls.min.js');

/**
 * Serves the player page's files, hls.js, and `pages` (name → HTML) by GET; true when it
 * answered. The page's `whep` and `stats` are the caller's.
 */
export function staticFiles(pages: Record<string, string>) {
  return (request: IncomingMessage, response: ServerResponse): boolean => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    if (request.method !== 'GET') return false;
    const name = path === '/' ? 'index.html' : path.slice(1);
    let body: string | Buffer | undefined = pages[name];
    if (body === undefined && name === 'hls.min.js') body = readFileSync(hlsJs);
    if (
      body === undefined &&
      /^[a-zA-Z]+\.(js|html)$/.test(name) &&
      existsSync(join(publicDirectory, name))
    ) {
      body = readFileSync(join(publicDirectory, name));
    }
    if (body === undefined) return false;
    const type = name.endsWith('.html') ? 'text/html' : 'text/javascript';
    response
      .writeHead(200, { 'Content-Type': `${type}; charset=utf-8`, 'Cache-Control': 'no-cache' })
      .end(body);
    return true;
  };
}

/**
 * Headless Chromium (Debian's, with H.264 in MSE) without UDP for WebRTC: ICE then has no
 * candidate to try, as on a network that blocks UDP.
 */
export function launchChromium(): Promise<Browser> {
  // A missing browser fails the test with the way out; it never passes by skipping.
  if (!existsSync(chromiumPath)) {
    return Promise.reject(new Error(`no ${chromiumPath}: apt-get install chromium (scripts/setup.sh does)`));
  }
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--autoplay-policy=no-user-gesture-required',
      '--force-webrtc-ip-handling-policy=disable_non_proxied_udp',
    ],
  });
}

/** Runs in the page: frames shown over 2 s, the size, and the mean colour near each quadrant's centre. */
const lookAtVideo = `(async () => {
  const video = document.querySelector('video');
  const start = video.getVideoPlaybackQuality().totalVideoFrames;
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const frames = video.getVideoPlaybackQuality().totalVideoFrames - start;
  const canvas = document.createElement('canvas');
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  const context = canvas.getContext('2d');
  context.drawImage(video, 0, 0);
  const w = canvas.width / 2, h = canvas.height / 2;
  const quadrants = [[0, 0], [w, 0], [0, h], [w, h]].map(([x, y]) => {
    const pixels = context.getImageData(x + w / 4, y + h / 4, w / 2, h / 2).data;
    const sum = [0, 0, 0];
    for (let i = 0; i < pixels.length; i += 4) for (let c = 0; c < 3; c++) sum[c] += pixels[i + c];
    return sum.map((s) => Math.round(s / (pixels.length / 4)));
  });
  return { width: video.videoWidth, height: video.videoHeight, frames, quadrants };
})()`;

export interface VideoLook {
  width: number;
  height: number;
  frames: number;
  quadrants: number[][];
}

export async function lookAt(page: Page): Promise<VideoLook> {
  return (await page.evaluate(lookAtVideo)) as VideoLook;
}

/** The quadrants' colours as names, or a description of the one that is none of the four. */
export function nameQuadrants(quadrants: number[][]): string[] {
  return quadrants.map((rgb) => {
    const match = (Object.entries(colours) as [ColourName, readonly number[]][]).find(([, value]) =>
      value.every((v, i) => Math.abs(v - rgb[i]) <= 60),
    );
    return match ? match[0] : `rgb(${rgb.join(',')})`;
  });
}
