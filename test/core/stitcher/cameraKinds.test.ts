import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Stitcher } from '../../../src/core/stitcher/stitcher';
import { startCameras, type RtspCamera } from '../../fixtures/rtspCamera';
import { assertTileColour, decodeJpeg } from '../../fixtures/pixels';
import { waitFor } from '../../helpers/wait';

// Every kind of camera a user has: H.264, H.265 and MJPEG; TCP and UDP; with a password; and
// one whose codec no decoder knows.
const password = 'pw-9f3a1c';
let cameras: RtspCamera[] = [];
let stitcher: Stitcher;

const kinds = [
  { name: 'h264', colour: 'ff0000', codec: 'h264' },
  { name: 'h265', colour: '00ff00', codec: 'h265' },
  { name: 'mjpeg', colour: '0000ff', codec: 'mjpeg' },
  { name: 'udp', colour: 'ffff00', codec: 'h264', transport: 'udp' },
  { name: 'auth', colour: 'ff00ff', codec: 'h264', user: 'viewer', password },
  { name: 'wrongpw', colour: '00ffff', codec: 'h264', user: 'viewer', password },
  // An HD camera's BT.709 colours must come out right on the BT.601 canvas.
  // A mid-range colour: saturated ones clip and hide a wrong matrix (this one is 18 off in green
  // when the BT.709 matrix is read as BT.601).
  { name: 'bt709', colour: '20a060', codec: 'h264', matrix: 'bt709' },
  { name: 'rtsps', colour: 'ffffff', codec: 'h264', tls: true },
] as const;

before(async () => {
  cameras = await startCameras([
    ...kinds.map((k) => ({
      colour: k.colour,
      codec: k.codec,
      width: 320,
      height: 180,
      ...('user' in k ? { user: k.user, password: k.password } : {}),
      ...('matrix' in k ? { matrix: k.matrix } : {}),
      ...('tls' in k ? { tls: k.tls } : {}),
    })),
    { codec: 'unknown' as const, width: 160, height: 90 },
  ]);
  const urls = cameras.map((c) => c.url);
  stitcher = new Stitcher({
    cameras: [
      ...kinds.map((k, i) => ({
        name: k.name,
        url: k.name === 'wrongpw' ? urls[i].replace(password, 'not-the-password') : urls[i],
        transport: 'transport' in k ? k.transport : 'tcp',
      })),
      { name: 'unknown', url: urls[kinds.length] },
    ],
    output: { width: 960, height: 540, fps: 25, bitrate: 1500000, gop: 25 },
    layout: { preset: 'grid', cameras: [...kinds.map((k) => k.name), 'unknown'], rows: 3, columns: 3 },
  });
  await stitcher.start();
});

after(async () => {
  await stitcher?.stop();
  await Promise.all(cameras.map((camera) => camera.stop()));
});

const camera = (name: string) => stitcher.stats().cameras.find((c) => c.name === name)!;

test('H.264, H.265, MJPEG, UDP, BT.709, rtsps and authenticated cameras land in their tiles', async () => {
  const playing = ['h264', 'h265', 'mjpeg', 'udp', 'auth', 'bt709', 'rtsps'];
  await waitFor('cameras live', () => playing.every((name) => camera(name).state === 'live'), 15000);
  await waitFor(
    'tiles painted',
    () => stitcher.stats().tiles.filter((t) => t.content === 'live').length >= 7,
    3000,
    50,
  );
  const picture = await decodeJpeg(await stitcher.snapshot());
  for (const tile of stitcher.tiles) {
    const kind = kinds.find((k) => k.name === tile.camera);
    const tolerance = kind?.name === 'bt709' ? 10 : 40;
    if (kind && playing.includes(kind.name))
      assertTileColour(picture, tile, kind.colour, tolerance, kind.name);
  }
  assert.equal(camera('h265').codec, 'hevc');
  assert.equal(camera('mjpeg').codec, 'mjpeg');
});

test('a wrong password is reported without the password and the tile stays black', async () => {
  const reason = await waitFor(
    'the wrong password to be refused',
    () => camera('wrongpw').lastError || undefined,
    10000,
  );
  assert.match(reason, /401|unauthori[sz]ed|authori[sz]ation|permission/i);
  const everything = JSON.stringify(stitcher.stats());
  assert.doesNotMatch(everything, /not-the-password/);
  assert.doesNotMatch(everything, new RegExp(password));
  assert.equal(stitcher.stats().tiles.find((t) => t.camera === 'wrongpw')?.content, 'black');
});

test('an unknown codec is named as such, and the tile stays black', async () => {
  const reason = await waitFor(
    'the unknown codec to be refused',
    () => camera('unknown').lastError || undefined,
    10000,
  );
  assert.match(reason, /unsupported codec/);
  assert.equal(stitcher.stats().tiles.find((t) => t.camera === 'unknown')?.content, 'black');
  assert.equal(stitcher.running, true);
});
