/**
 * The MSE WebSocket endpoint with `ws` clients: the codec, then the init segment, then fragments
 * from a keyframe on; a client that stops reading skips to keyframes and is dropped while
 * another gets every fragment; past maxClients an upgrade is refused; the lease goes with the
 * last client.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { WebSocket } from 'ws';
import { sleep, waitFor } from '../../helpers/wait';
import { startFmp4Fixture, type Fmp4Fixture } from '../fmp4/fmp4Fixture';

let fixture: Fmp4Fixture | undefined;

before(async () => {
  // Padded to 20 Mbit/s, a paused reader fills the kernel's socket buffers in about a second,
  // then ws queues past the bound.
  fixture = await startFmp4Fixture({
    padBytes: 100_000,
    mse: { maxClients: 3, maxBufferedBytes: 512 * 1024, stallDropMs: 3000 },
  });
});

after(async () => {
  await fixture?.stop();
});

interface Received {
  socket: WebSocket;
  texts: string[];
  binaries: Buffer[];
  closed?: number;
}

async function connect(): Promise<Received> {
  assert.ok(fixture);
  const socket = new WebSocket(`${fixture.base.replace('http', 'ws')}/mse`);
  const received: Received = { socket, texts: [], binaries: [] };
  socket.on('message', (data: Buffer, isBinary: boolean) => {
    if (isBinary) received.binaries.push(data);
    else received.texts.push(data.toString());
  });
  socket.on('close', (code) => (received.closed = code));
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  return received;
}

const boxType = (data: Buffer) => data.subarray(4, 8).toString('latin1');
/** tfdt baseMediaDecodeTime of a moof from mux.js: version 1, at a fixed offset. */
function decodeTime(fragment: Buffer): number {
  const at = fragment.indexOf('tfdt', 0, 'latin1');
  return Number(fragment.readBigUInt64BE(at + 8));
}
/** The first sample's flags in trun: is it a sync sample (a keyframe)? */
function isKeyframe(fragment: Buffer): boolean {
  const at = fragment.indexOf('trun', 0, 'latin1');
  // trun: type, version+flags(4), sample_count(4), data_offset(4), then duration, size, flags.
  return (fragment[at + 4 + 4 + 4 + 4 + 8 + 1] & 1) === 0;
}

test('a client gets the codec, the init segment, then fragments from a keyframe on, gap-free', async () => {
  const client = await connect();
  try {
    await waitFor('50 fragments', () => client.binaries.length >= 51, 15_000);
    const codec = JSON.parse(client.texts[0]) as {
      type: string;
      codec: string;
      mimeType: string;
      width: number;
    };
    assert.equal(codec.type, 'mse');
    assert.match(codec.codec, /^avc1\.[0-9a-f]{6}$/);
    assert.equal(codec.width, 640);
    assert.equal(boxType(client.binaries[0]), 'ftyp');
    assert.equal(boxType(client.binaries[1]), 'moof');
    assert.ok(isKeyframe(client.binaries[1]), 'the first fragment is a keyframe');
    assert.ok(!isKeyframe(client.binaries[2]), 'the next is not');
    const times = client.binaries.slice(1, 51).map(decodeTime);
    times.slice(1).forEach((t, i) => assert.equal(t - times[i], 3600, `fragment ${i + 1} follows on`));
    assert.equal(fixture?.mse.stats().clients, 1);
    assert.deepEqual(fixture?.stitcher.stats().output.wanted, { mse: 1 });
  } finally {
    client.socket.close();
  }
  await waitFor('the lease released', () => fixture?.stitcher.stats().output.wanted.mse === undefined, 5000);
});

test('a client that stops reading skips to keyframes and is dropped; another gets every fragment', async () => {
  assert.ok(fixture);
  const earlier = fixture.mse.stats();
  const steady = await connect();
  const slow = await connect();
  // Stop reading: the kernel's buffers fill, then the server's queue passes the bound.
  slow.socket.pause();
  try {
    await waitFor('the slow client dropped', () => fixture?.mse.stats().drops === earlier.drops + 1, 20_000);
    const stats = fixture.mse.stats();
    assert.ok(stats.skips > earlier.skips, `skipped to a keyframe first (${stats.skips} skips)`);
    assert.equal(stats.clients, 1, 'the steady client stays');
    const times = steady.binaries.slice(1).map(decodeTime);
    assert.ok(times.length > 50, `${times.length} fragments`);
    times.slice(1).forEach((t, i) => assert.equal(t - times[i], 3600, `steady fragment ${i + 1} follows on`));
  } finally {
    steady.socket.close();
    slow.socket.terminate();
  }
  await waitFor('no clients', () => fixture?.mse.stats().clients === 0, 5000);
});

test('past maxClients an upgrade gets 503; a freed seat serves again', async () => {
  assert.ok(fixture);
  const clients = await Promise.all([connect(), connect(), connect()]);
  try {
    const refused = await new Promise<number>((resolve) => {
      const socket = new WebSocket(`${fixture?.base.replace('http', 'ws')}/mse`);
      socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      socket.on('error', () => undefined);
    });
    assert.equal(refused, 503);
    assert.ok(fixture.mse.stats().refused >= 1);
    clients[0].socket.close();
    await waitFor('a free seat', () => fixture?.mse.stats().clients === 2, 5000);
    const another = await connect();
    await waitFor('its init segment', () => another.binaries.length >= 2, 10_000);
    another.socket.close();
  } finally {
    for (const client of clients) client.socket.close();
  }
  await waitFor('no clients', () => fixture?.mse.stats().clients === 0, 5000);
  await sleep(10);
});
