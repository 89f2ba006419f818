import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Stitcher } from '../../../src/core/stitcher/stitcher';
import { startCameras, type RtspCamera } from '../../fixtures/rtspCamera';
import {
  assertTileColour,
  colourDistance,
  decodeJpeg,
  hexToRgb,
  meanColour,
  type PixelRect,
} from '../../fixtures/pixels';
import { readText } from '../../helpers/ocr';
import { waitFor } from '../../helpers/wait';

// Four solid-colour cameras with names on a 2x2 grid; the fourth camera is dead (nothing listens
// on its port) and its tile must say so.
const titles = ['Kitchen', 'Garage', 'Garden'];
const colours = ['ff0000', '00ff00', '0000ff'];
const quadrants = [
  { x: 0, y: 0, width: 960, height: 540 },
  { x: 960, y: 0, width: 960, height: 540 },
  { x: 0, y: 540, width: 960, height: 540 },
  { x: 960, y: 540, width: 960, height: 540 },
];

/** Where a tile's label is (its bottom-left corner), with some of the picture around it. */
function labelArea(tile: PixelRect): PixelRect {
  return { x: tile.x, y: tile.y + tile.height - 120, width: tile.width / 2 + 100, height: 120 };
}

/** A strip of picture just above the label, across the tile. */
function aboveLabel(tile: PixelRect): PixelRect {
  return { x: tile.x, y: tile.y + tile.height - 200, width: tile.width, height: 60 };
}

let cameras: RtspCamera[] = [];
let stitcher: Stitcher;

before(async () => {
  cameras = await startCameras(colours.map((colour) => ({ colour })));
  stitcher = new Stitcher({
    cameras: [
      ...titles.map((title, i) => ({ name: `cam${i}`, title, url: cameras[i].url })),
      { name: 'porch', title: 'Porch', url: 'rtsp://127.0.0.1:9/cam' },
    ],
    output: { width: 1920, height: 1080, fps: 25 },
    staleTimeoutMs: 1000,
    labels: { names: true, clock: true },
  });
  await stitcher.start();
  await waitFor(
    'three cameras live',
    () => stitcher.stats().cameras.filter((c) => c.state === 'live').length === 3,
    15000,
  );
  // A camera is live once it has sent a frame; its picture (and label) is in the canvas a tick or
  // so later: wait until a snapshot shows each camera's colour where its label will be read.
  await waitFor(
    "three tiles in their cameras' colours",
    async () => {
      const frame = await decodeJpeg(await stitcher.snapshot({ quality: 95 }));
      return titles.every(
        (_, i) => colourDistance(meanColour(frame, aboveLabel(quadrants[i])), hexToRgb(colours[i])) < 60,
      );
    },
    10000,
    100,
  );
  await waitFor('the dead tile black', () => stitcher.stats().tiles[3].content === 'black', 5000);
});

after(async () => {
  await stitcher?.stop();
  await Promise.all(cameras.map((camera) => camera.stop()));
});

test("OCR reads each camera's name and the clock in its tile's corner", async () => {
  const frame = await decodeJpeg(await stitcher.snapshot({ quality: 95 }));
  for (const [i, title] of titles.entries()) {
    const tile = quadrants[i];
    // The label's corner (bottom left); the picture itself stays the camera's colour.
    const text = await readText(frame, labelArea(tile), { box: true });
    assert.match(
      text,
      new RegExp(`^${title}\\s+\\d\\d:\\d\\d:\\d\\d$`),
      `tile ${i} reads ${JSON.stringify(text)}`,
    );
    assertTileColour(frame, { ...tile, height: tile.height / 2 }, colours[i], 40, title);
  }
});

test('a dead camera\'s tile reads "offline" with its name', async () => {
  const frame = await decodeJpeg(await stitcher.snapshot({ quality: 95 }));
  const text = await readText(frame, quadrants[3]);
  assert.equal(text, 'Porch offline');
});

test('labels can be turned off per tile', async () => {
  stitcher.setLayout({ tiles: [{ camera: 'cam0', ...quadrants[0], label: false }] });
  await new Promise((resolve) => setTimeout(resolve, 400));
  const frame = await decodeJpeg(await stitcher.snapshot({ quality: 95 }));
  assertTileColour(frame, { x: 0, y: 420, width: 480, height: 120 }, colours[0], 40, 'where the label was');
});
