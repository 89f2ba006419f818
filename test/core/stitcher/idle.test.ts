import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { after, before, test } from 'node:test';
import { Engine } from '../../../src/core/engine';
import { Stitcher, type AccessUnit } from '../../../src/core/stitcher/stitcher';
import { decodeH264, decodeJpeg } from '../../fixtures/pixels';
import { colourMosaicConfig, quadrantColours, recordingSink } from '../../helpers/colourMosaic';
import { sleep, waitFor } from '../../helpers/wait';
import { WhepClient } from '../../helpers/whepClient';

// Nobody watching costs (almost) nothing: with no viewer, output or snapshot for idleAfterMs the
// encoder rests; the canvas is still kept current, so a snapshot comes at once and the first
// viewer after the rest gets a picture within a second.

const idleAfterMs = 1000;
const logs: string[] = [];
let engine: Engine;

before(async () => {
  engine = new Engine(colourMosaicConfig(), {
    port: 0,
    host: '127.0.0.1',
    logSink: recordingSink(logs),
    idleAfterMs,
  });
  await engine.start();
  // The first WebRTC peer of a process pays for loading and compiling werift's code (~0.5 s
  // here): a viewer before the rest, so the timing below is the server's, as for a browser.
  const warmUp = await WhepClient.connect(`${engine.url}/whep`);
  await waitFor('a warm-up keyframe', () => warmUp.units.some((u) => u.keyframe), 5000);
  await warmUp.close();
});

after(async () => {
  await engine?.close();
});

const output = () => engine.stitcher.stats().output;

async function waitUntilIdle(): Promise<void> {
  await waitFor('the encoder to rest', () => output().idle, idleAfterMs + 3000);
}

test('with nobody watching the encoder rests: stats say idle and encoded frames stop counting', async () => {
  await waitFor('frames encoded first', () => output().frames >= 10, 5000);
  await waitUntilIdle();
  const frames = output().frames;
  await sleep(1500);
  assert.equal(output().frames, frames, 'no frame encoded while idle');
  assert.equal(output().measuredFps, 0);
  assert.deepEqual(output().wanted, {});
  const stats = (await (await fetch(`${engine.url}/stats`)).json()) as { output: { idle: boolean } };
  assert.equal(stats.output.idle, true, '/stats says idle');
  assert.ok(
    logs.some((line) => line.includes('nobody watching')),
    `a log line says so: ${logs.join('\n')}`,
  );
});

test('a WHEP viewer arriving after idle decodes its first frame within 1 s', async (t) => {
  await waitUntilIdle();
  const startedAt = Date.now();
  const client = await WhepClient.connect(`${engine.url}/whep`);
  try {
    const keyframe = await waitFor('a keyframe', () => client.units.find((u) => u.keyframe), 3000, 10);
    const firstFrameMs = keyframe.receivedAt - startedAt;
    t.diagnostic(`first frame ${firstFrameMs} ms after the offer`);
    assert.equal(client.units[0], keyframe, 'no delta frame before the first keyframe');
    const frames = await decodeH264(keyframe.data);
    assert.equal(frames.length, 1);
    assert.deepEqual(quadrantColours(frames[0]), ['red', 'lime', 'blue', 'yellow']);
    assert.ok(firstFrameMs < 1000, `first frame after ${firstFrameMs} ms`);
    assert.equal(output().idle, false);
    assert.equal(output().wanted.whep, 1);
  } finally {
    await client.close();
  }
  await waitFor('the viewer gone', () => output().wanted.whep === undefined, 3000);
  await waitUntilIdle();
});

test('a snapshot after idle is quick and shows the current canvas, a layout changed while idle included', async () => {
  await waitUntilIdle();
  engine.stitcher.setLayout({
    preset: 'grid',
    cameras: ['yellow', 'blue', 'lime', 'red'],
    rows: 2,
    columns: 2,
  });
  await sleep(400); // the resting compositor repaints every 250 ms
  const startedAt = Date.now();
  const response = await fetch(`${engine.url}/snapshot.jpg`);
  const jpeg = Buffer.from(await response.arrayBuffer());
  const snapshotMs = Date.now() - startedAt;
  assert.equal(response.status, 200);
  assert.ok(snapshotMs < 300, `snapshot took ${snapshotMs} ms`);
  assert.deepEqual(quadrantColours(await decodeJpeg(jpeg)), ['yellow', 'blue', 'lime', 'red']);
});

test('a rendition (a HomeKit stream) opened on an idle mosaic is encoded at once while the main encoder rests', async () => {
  await waitUntilIdle();
  const mainFrames = output().frames;
  const units: AccessUnit[] = [];
  const openedAt = Date.now();
  const rendition = engine.stitcher.openRendition({ width: 320, height: 180, fps: 15, bitrate: 300000 });
  rendition.on('accessunit', (unit) => units.push(unit));
  try {
    await waitFor('a keyframe of the rendition', () => units.find((u) => u.keyframe), 2000, 10);
    assert.ok(Date.now() - openedAt < 1000, `first keyframe after ${Date.now() - openedAt} ms`);
    await sleep(1000);
    assert.ok(units.length >= 10, `${units.length} access units of the rendition in 1 s`);
    assert.equal(output().idle, true, 'the main encoder still rests');
    assert.equal(output().frames, mainFrames, 'no main frame encoded for the rendition');
  } finally {
    rendition.close();
  }
});

test('a mosaic with an output never rests', async () => {
  const receiver: Socket = createSocket('udp4');
  await new Promise<void>((resolve) => receiver.bind(0, '127.0.0.1', resolve));
  const stitcher = new Stitcher(
    {
      ...colourMosaicConfig(320, 180),
      outputs: [
        { name: 'janus', type: 'rtp', host: '127.0.0.1', port: receiver.address().port, payloadType: 100 },
      ],
    },
    { idleAfterMs: 200 },
  );
  try {
    await stitcher.start();
    await sleep(1200);
    const { output: stats } = stitcher.stats();
    assert.equal(stats.idle, false);
    assert.deepEqual(stats.wanted, { output: 1 });
    assert.ok(stats.measuredFps >= 15, `${stats.measuredFps} fps`);
  } finally {
    await stitcher.stop();
    receiver.close();
  }
});
