import assert from 'node:assert/strict';
import { test } from 'node:test';
import { demoConfig } from '../../../src/core/demoConfig';
import { Engine } from '../../../src/core/engine';
import type { LogSink } from '../../../src/core/logger';
import {
  decodeJpeg,
  meanColour,
  colourDistance,
  ffmpegRgbFrames,
  type RgbFrame,
} from '../../fixtures/pixels';
import type { PixelRect } from '../../fixtures/pixels';
import { waitFor } from '../../helpers/wait';

// The demo's four synthetic cameras, each checked in /snapshot.jpg against the same lavfi source
// fitted into its tile by FFmpeg's own filters (an independent rendering of cover and contain).
// Tiles are compared as a grid of cells: a moving part of a test pattern (testsrc's counter and
// gradient, testsrc2's sprites), a label or a bar's edge falling across a cell changes some
// cells, a black or misplaced picture most of them. Cells black in both pictures (letterboxes,
// testsrc's black bar) say nothing about the picture and are left out.
const cellPx = 40;
const cellTolerance = 48;
const matchingCellsAtLeast = 0.6;
const blackChannelMax = 40;

type Fit = 'cover' | 'contain';

/** `demo:rgbtestsrc?size=640x360&rate=25` → `rgbtestsrc=size=640x360:rate=25`. */
function lavfiGraph(url: string): string {
  return url
    .replace(/^demo:/, '')
    .replace('?', '=')
    .replaceAll('&', ':');
}

/** The camera's first frame fitted into a `width`x`height` tile by FFmpeg's scale/crop/pad. */
async function expectedTile(url: string, rect: PixelRect, fit: Fit): Promise<RgbFrame> {
  const { width: w, height: h } = rect;
  const fitted =
    fit === 'cover'
      ? `scale=${w}:${h}:force_original_aspect_ratio=increase,crop=${w}:${h}`
      : `scale=${w}:${h}:force_original_aspect_ratio=decrease,pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2:black`;
  const input = ['-f', 'lavfi', '-i', lavfiGraph(url)];
  const frames = await ffmpegRgbFrames([...input, '-frames:v', '1', '-vf', fitted]);
  return frames[0];
}

function isBlack(rgb: readonly number[]): boolean {
  return rgb.every((channel) => channel <= blackChannelMax);
}

/**
 * Share of the tile's cells whose mean colour is within the tolerance of the expected picture's,
 * over the cells where either picture is not black.
 */
function matchingShare(snapshot: RgbFrame, rect: PixelRect, expected: RgbFrame): number {
  let cells = 0;
  let matching = 0;
  for (let y = 0; y + cellPx <= rect.height; y += cellPx) {
    for (let x = 0; x + cellPx <= rect.width; x += cellPx) {
      const cell = { x, y, width: cellPx, height: cellPx };
      const shown = meanColour(snapshot, { ...cell, x: rect.x + x, y: rect.y + y }, 4);
      const wanted = meanColour(expected, cell, 4);
      if (isBlack(shown) && isBlack(wanted)) continue;
      cells++;
      if (colourDistance(shown, wanted) <= cellTolerance) matching++;
    }
  }
  return cells === 0 ? 0 : matching / cells;
}

const quiet: LogSink = () => undefined;

for (const fit of ['cover', 'contain'] as const) {
  test(`the demo in ${fit}: each of the four tiles shows its own camera's picture`, async () => {
    const config = demoConfig() as {
      layout: Record<string, unknown>;
      cameras: { name: string; url: string }[];
    };
    config.layout = { ...config.layout, fit };
    const engine = new Engine(config, { port: 0, host: '127.0.0.1', logSink: quiet });
    try {
      await engine.start();
      const stitcher = engine.stitcher;
      await waitFor(
        'every tile painted from a live camera',
        () => {
          const stats = stitcher.stats();
          return (
            stats.cameras.every((c) => c.state === 'live') && stats.tiles.every((t) => t.content !== 'black')
          );
        },
        15000,
      ).catch(() => undefined); // a tile never painted fails below, with its stats
      const tiles = stitcher.stats().tiles;
      for (const tile of tiles) {
        assert.notEqual(tile.content, 'black', `${tile.camera}: content black (${JSON.stringify(tile)})`);
        assert.equal(tile.problem, undefined, `${tile.camera}: ${tile.problem}`);
      }
      const response = await fetch(`${engine.url}/snapshot.jpg`);
      assert.equal(response.status, 200);
      const snapshot = await decodeJpeg(Buffer.from(await response.arrayBuffer()));
      assert.equal(`${snapshot.width}x${snapshot.height}`, '1920x1080');
      for (const tile of stitcher.tiles) {
        const camera = config.cameras.find((c) => c.name === tile.camera);
        assert.ok(camera, `no demo camera ${tile.camera}`);
        const share = matchingShare(snapshot, tile, await expectedTile(camera.url, tile, fit));
        assert.ok(
          share >= matchingCellsAtLeast,
          `${tile.camera} (${fit}): only ${Math.round(share * 100)} % of its cells look like its camera's picture`,
        );
      }
    } finally {
      await engine.close();
    }
  });
}
