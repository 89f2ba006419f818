import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, test } from 'node:test';
import { ConfigError } from '../../../src/core/errors';
import { Stitcher } from '../../../src/core/stitcher/stitcher';
import { waitFor } from '../../helpers/wait';

// Each bad input gives a clear error or a black tile: never a crash, a hang or lost state.

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let stitcher: Stitcher;
let refusedUrl = '';

before(async () => {
  refusedUrl = `rtsp://admin:s3cret-pw@127.0.0.1:${await closedPort()}/cam`;
  stitcher = new Stitcher({
    cameras: [
      { name: 'good', url: 'demo:color?c=red&size=320x180&rate=25' },
      { name: 'refused', url: refusedUrl },
      { name: 'nosuchsource', url: 'demo:nosuchsource?size=320x180' },
    ],
    output: { width: 640, height: 360, fps: 25, bitrate: 1000000, gop: 25 },
    layout: { preset: 'grid', cameras: ['good', 'refused', 'nosuchsource'] },
  });
  await stitcher.start();
});

after(async () => {
  await stitcher?.stop();
});

const camera = (name: string) => stitcher.stats().cameras.find((c) => c.name === name)!;

test('an unreachable camera is offline with its reason, password masked, and its tile black', async () => {
  const refused = await waitFor(
    'the refused camera to fail',
    () => camera('refused').lastError || undefined,
    5000,
  );
  assert.match(refused, /refused/i);
  assert.equal(camera('refused').state === 'live', false);
  assert.doesNotMatch(JSON.stringify(stitcher.stats()), /s3cret-pw/);
  assert.match(camera('refused').url, /admin:\*\*\*@/);
  assert.equal(stitcher.stats().tiles.find((t) => t.camera === 'refused')?.content, 'black');
  await waitFor('the good camera to be live', () => camera('good').state === 'live', 5000);
});

test('an unknown demo source says so and stays black', async () => {
  const reason = await waitFor(
    'the bad source to fail',
    () => camera('nosuchsource').lastError || undefined,
    5000,
  );
  assert.match(reason, /unknown demo source "nosuchsource"/);
  assert.equal(stitcher.stats().tiles.find((t) => t.camera === 'nosuchsource')?.content, 'black');
});

test('a bad URL is refused at construction with the field named', () => {
  assert.throws(
    () => new Stitcher({ cameras: [{ name: 'a', url: 'http://example.invalid/cam' }] }),
    (error: unknown) =>
      error instanceof ConfigError &&
      /cameras\[0\]\.url: must start with rtsp:\/\/, rtsps:\/\/ or demo:/.test(error.message),
  );
});

test('a tile outside the canvas or a missing camera is refused and the layout kept', async () => {
  const before = stitcher.tiles;
  assert.throws(
    () => stitcher.setLayout({ tiles: [{ camera: 'good', x: 400, y: 0, width: 320, height: 180 }] }),
    /layout\.tiles\[0\]: extends past the canvas/,
  );
  assert.throws(
    () => stitcher.setLayout({ tiles: [{ camera: 'ghost', x: 0, y: 0, width: 320, height: 180 }] }),
    /layout\.tiles\[0\]\.camera: no camera named "ghost"/,
  );
  assert.throws(() => stitcher.setLayout({ preset: 'nonsense' }), ConfigError);
  assert.deepEqual(stitcher.tiles, before);
  const frames = stitcher.stats().output.frames;
  await waitFor('frames to keep coming', () => stitcher.stats().output.frames > frames + 5, 3000, 50);
  assert.equal(stitcher.running, true);
});

test('snapshots are JPEGs of the requested size', async () => {
  const jpeg = await stitcher.snapshot({ width: 320 });
  assert.equal(jpeg.subarray(0, 2).toString('hex'), 'ffd8');
  // SOF0 holds height then width, big-endian.
  const sof = jpeg.indexOf(Buffer.from([0xff, 0xc0]));
  assert.ok(sof > 0, 'a baseline JPEG frame header');
  assert.equal(jpeg.readUInt16BE(sof + 7), 320);
  assert.equal(jpeg.readUInt16BE(sof + 5), 180);
});
