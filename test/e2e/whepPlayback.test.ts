import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Engine } from '../../src/core/engine';
import { decodeH264 } from '../fixtures/pixels';
import { waitFor } from '../helpers/wait';
import { WhepClient } from '../helpers/whepClient';
import { colourMosaicConfig, quadrantColours, recordingSink } from '../helpers/colourMosaic';

const logs: string[] = [];
let engine: Engine;
let endpoint = '';
const clients: WhepClient[] = [];

async function connect(): Promise<WhepClient> {
  const client = await WhepClient.connect(endpoint);
  clients.push(client);
  return client;
}

async function closeAll(list: WhepClient[]): Promise<void> {
  await Promise.all(list.map((c) => c.close()));
}

before(async () => {
  engine = new Engine(colourMosaicConfig(), { port: 0, host: '127.0.0.1', logSink: recordingSink(logs) });
  await engine.start();
  endpoint = `${engine.url}/whep`;
  await waitFor('the mosaic to encode', () => engine.stats().total_frames >= 10, 10_000);
});

after(async () => {
  await closeAll(clients);
  await engine?.close();
});

test('a WHEP viewer receives H.264 that decodes to 640x360 frames with the right tile colours', async () => {
  const client = await connect();
  await waitFor('25 access units', () => client.units.length >= 25, 8000);
  assert.ok(client.units[0].keyframe, 'the first access unit a viewer gets is a keyframe');
  const frames = await decodeH264(client.annexB());
  assert.ok(frames.length >= 20, `decoded ${frames.length} frames`);
  assert.equal(frames[0].width, 640);
  assert.equal(frames[0].height, 360);
  assert.deepEqual(quadrantColours(frames.at(-1)!), ['red', 'lime', 'blue', 'yellow']);
  const viewer = await waitFor(
    'a bitrate in /stats',
    async () => {
      const stats = (await (await fetch(`${engine.url}/stats`)).json()) as { viewers: { bitrate: number }[] };
      return stats.viewers[0]?.bitrate > 0 ? stats.viewers[0] : undefined;
    },
    3000,
  );
  assert.ok(viewer.bitrate > 10_000 && viewer.bitrate < 5_000_000, `${viewer.bitrate} bit/s`);
  await client.close();
  await waitFor('the viewer to be gone', () => engine.stats().clients === 0, 3000);
});

test('a second viewer joining mid-stream decodes its first frame in under 1 s', async (t) => {
  const first = await connect();
  await waitFor('the first viewer to play', () => first.units.length >= 10, 8000);
  const joinedAt = Date.now();
  const second = await connect();
  const keyframe = await waitFor(
    'a keyframe for the second viewer',
    () => second.units.find((u) => u.keyframe),
    3000,
    10,
  );
  const firstFrameMs = keyframe.receivedAt - joinedAt;
  assert.equal(second.units[0], keyframe, 'no delta frame before the first keyframe');
  const frames = await decodeH264(keyframe.data);
  assert.equal(frames.length, 1);
  assert.ok(firstFrameMs < 1000, `first frame after ${firstFrameMs} ms`);
  t.diagnostic(`first frame ${firstFrameMs} ms after joining`);
  await closeAll([first, second]);
});

test('a PLI from a viewer is a keyframe request: the next IDR comes within 1 s', async () => {
  const client = await connect();
  await waitFor('playing', () => client.units.length >= 5, 8000);
  const requestsBefore = engine.stats().viewers[0].keyframeRequests;
  const sentAt = Date.now();
  await client.sendPictureLoss();
  const keyframe = await waitFor(
    'an IDR after the PLI',
    () => client.units.find((u) => u.keyframe && u.receivedAt > sentAt),
    2000,
    10,
  );
  assert.ok(keyframe.receivedAt - sentAt < 1000, `IDR ${keyframe.receivedAt - sentAt} ms after the PLI`);
  assert.ok(
    engine.stats().viewers[0].keyframeRequests > requestsBefore,
    'the PLI reached the viewer as a request',
  );
  await client.close();
});

/** Sockets and timers of this process by kind (UDPWrap, TCPSocketWrap, Timeout, …). */
function resourceCounts(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

test('10 viewers at once all receive; closing them leaves no peer, timer or socket behind', async () => {
  // Earlier tests' peers close asynchronously: start from a process with none.
  const before = await waitFor(
    'no UDP socket left from earlier tests',
    () => {
      const counts = resourceCounts();
      return (counts.UDPWrap ?? 0) === 0 ? counts : false;
    },
    5000,
  );
  const ten = await Promise.all(Array.from({ length: 10 }, () => connect()));
  assert.equal(engine.stats().clients, 10);
  await waitFor('every viewer to receive 10 frames', () => ten.every((c) => c.units.length >= 10), 15_000);
  for (const client of ten) assert.ok(client.units[0].keyframe);
  // One UDP socket per peer: ten on the server's side, ten on the clients'.
  assert.equal(resourceCounts().UDPWrap, 20);
  await closeAll(ten);
  await waitFor('0 clients', () => engine.stats().clients === 0, 3000);
  // HTTP keep-alive sockets come and go with fetch's pool; peers' sockets and timers must not stay.
  const left = await waitFor(
    'sockets and timers back to where they were',
    () => {
      const now = resourceCounts();
      return (now.UDPWrap ?? 0) === 0 && (now.Timeout ?? 0) <= (before.Timeout ?? 0) ? now : false;
    },
    5000,
  ).catch(() => resourceCounts());
  assert.equal(left.UDPWrap ?? 0, 0, JSON.stringify(left));
  assert.ok(
    (left.Timeout ?? 0) <= (before.Timeout ?? 0),
    `timers before ${before.Timeout}, after ${JSON.stringify(left)}`,
  );
});

test('PUT /api/layout while two viewers watch rearranges their tiles without reconnecting', async () => {
  const pair = [await connect(), await connect()];
  await waitFor('both playing', () => pair.every((c) => c.units.length >= 5), 8000);
  const mirrored = { preset: 'grid', cameras: ['yellow', 'blue', 'lime', 'red'], rows: 2, columns: 2 };
  const response = await fetch(`${engine.url}/api/layout`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(mirrored),
  });
  assert.equal(response.status, 200, await response.clone().text());
  const counts = pair.map((c) => c.units.length);
  await waitFor('25 more frames each', () => pair.every((c, i) => c.units.length >= counts[i] + 25), 8000);
  for (const client of pair) {
    const frames = await decodeH264(client.annexB());
    assert.deepEqual(quadrantColours(frames.at(-1)!), ['yellow', 'blue', 'lime', 'red']);
    assert.equal(client.connectionState, 'connected');
  }
  assert.equal(engine.stats().clients, 2, 'the same two sessions');
  await closeAll(pair);
});
