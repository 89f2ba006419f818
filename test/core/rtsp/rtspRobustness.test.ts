import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import type { RtspStreamSource } from '../../../src/core/rtsp/rtspStream';
import { ffmpegRgbFrames, runFfmpeg } from '../../fixtures/pixels';
import { quadrantColours } from '../../helpers/colourMosaic';
import { waitFor } from '../../helpers/wait';
import { RawRtspClient } from './rawRtspClient';
import { startRtspFixture, streamName, type RtspFixture } from './rtspFixture';

/**
 * 100 kB of filler data (NAL type 12, which decoders skip, H.264 §7.4.2.7) after every unit: the
 * solid-colour mosaic alone is a few kbit/s, which would take minutes to fill a stalled
 * reader's socket buffers; padded it is 20 Mbit/s, and a stalled reader is congested in seconds.
 */
const filler = Buffer.concat([
  Buffer.from([0, 0, 0, 1, 0x0c]),
  Buffer.alloc(100_000, 0xff),
  Buffer.from([0x80]),
]);
const padded = (source: RtspStreamSource): RtspStreamSource => ({
  requestKeyframe: () => source.requestKeyframe(),
  size: source.size,
  subscribe: (onUnit) =>
    source.subscribe((unit) => onUnit({ ...unit, data: Buffer.concat([unit.data, filler]) })),
});

const frameTicks = 90_000 / 25;
let fixture: RtspFixture | undefined;
let url = '';

before(async () => {
  fixture = await startRtspFixture(
    { maxBufferedBytes: 512 * 1024, stallDropMs: 3000, headerTimeoutMs: 1500, maxClients: 4 },
    padded,
  );
  url = `${fixture.base}${streamName}`;
});

after(async () => {
  await fixture?.stop();
});

/** A raw client that sets up and plays over TCP, for the tests to misbehave with. */
async function playingRawClient(): Promise<RawRtspClient> {
  const client = await RawRtspClient.connect(fixture?.server.port ?? 0);
  const setup = await client.request('SETUP', `${url}/trackID=0`, {
    Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1',
  });
  assert.equal(setup.status, 200);
  const session = setup.headers.get('session')?.split(';')[0] ?? '';
  assert.equal((await client.request('PLAY', url, { Session: session })).status, 200);
  return client;
}

test('a client that stops reading skips to keyframes, then is dropped; another gets every frame meanwhile', async () => {
  const stalled = await playingRawClient();
  await waitFor('media flowing to the stalled client', () => stalled.packetCount > 0, 5000, 20);
  stalled.socket.pause();
  const startedAt = Date.now();
  const frames = 200;
  const output = await runFfmpeg(
    ['-rtsp_transport', 'tcp', '-i', url, '-frames:v', String(frames), '-c', 'copy', '-f', 'framecrc', '-'],
    { timeoutMs: 30_000 },
  );
  const elapsedMs = Date.now() - startedAt;
  const pts = output
    .toString('latin1')
    .split('\n')
    .filter((l) => l.startsWith('0,'))
    .map((l) => Number(l.split(',')[2]));
  assert.equal(pts.length, frames);
  // From the second packet: see rtspClients.test.ts (ffmpeg gives the first two the same pts).
  assert.deepEqual(
    pts.slice(2).filter((p, j) => p - pts[j + 1] !== frameTicks),
    [],
    'the reading client missed nothing',
  );
  assert.ok(elapsedMs < (frames / 25) * 1000 + 5000, `8 s of frames took ${elapsedMs} ms: delayed`);
  await waitFor(
    'the stalled client dropped',
    () => fixture?.logLines.some((l) => l.includes('cannot keep up')),
    20_000,
  );
  const stats = fixture?.server.stats().streams[streamName];
  assert.ok((stats?.skippedToKeyframe ?? 0) >= 1, 'the stalled client skipped to a keyframe first');
  stalled.destroy();
  await waitFor('no session left', () => fixture?.server.stats().sessions === 0, 5000);
});

/** Sends `bytes` on a fresh connection; resolves with what came back before the server closed it. */
function sendRaw(bytes: Buffer | string, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port: fixture?.server.port ?? 0, host: '127.0.0.1' });
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server neither answered nor closed within ${timeoutMs} ms: ${received}`));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
    socket.write(bytes);
  });
}

const statusOf = (response: string) => Number(/^RTSP\/1\.0 (\d{3}) /.exec(response)?.[1] ?? 0);

test('garbage, oversized and malformed requests get an error and a close', async () => {
  const cases: [string, Buffer | string, number][] = [
    ['binary noise', Buffer.from(Array.from({ length: 20_000 }, (_, i) => (i * 7919) % 251)), 400],
    ['an HTTP request', 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', 400],
    ['a CSeq of letters', 'OPTIONS * RTSP/1.0\r\nCSeq: abc\r\n\r\n', 400],
    ['no CSeq', `DESCRIBE ${url} RTSP/1.0\r\n\r\n`, 400],
    ['RTSP/2.0', 'OPTIONS * RTSP/2.0\r\nCSeq: 1\r\n\r\n', 505],
    ['a 9 KiB header', `OPTIONS * RTSP/1.0\r\nCSeq: 1\r\nX-Big: ${'a'.repeat(9000)}\r\n\r\n`, 400],
    ['a 100 kB body', `SET_PARAMETER ${url} RTSP/1.0\r\nCSeq: 1\r\nContent-Length: 100000\r\n\r\n`, 413],
    ['a folded header', 'OPTIONS * RTSP/1.0\r\nCSeq: 1\r\nX-A: b\r\n c\r\n\r\n', 400],
  ];
  for (const [what, bytes, status] of cases) {
    assert.equal(statusOf(await sendRaw(bytes)), status, what);
  }
  assert.ok((fixture?.server.stats().rejected.malformed ?? 0) >= cases.length, 'refusals counted');
});

test('a request that never ends (slowloris) is closed after the header deadline', async () => {
  const startedAt = Date.now();
  await sendRaw('OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n', 6000);
  const elapsedMs = Date.now() - startedAt;
  assert.ok(elapsedMs >= 1400 && elapsedMs < 4000, `closed after ${elapsedMs} ms (deadline 1500)`);
});

test('wrong requests on a good connection get their status and the connection goes on', async () => {
  const client = await RawRtspClient.connect(fixture?.server.port ?? 0);
  try {
    const base = fixture?.base ?? '';
    assert.equal((await client.request('FOO', url)).status, 501);
    assert.equal((await client.request('RECORD', url)).status, 405);
    assert.equal((await client.request('DESCRIBE', `${base}nobody`)).status, 404);
    assert.equal((await client.request('DESCRIBE', 'http://x/colours')).status, 404);
    assert.equal((await client.request('PLAY', url, { Session: 'feedbeef' })).status, 454);
    const multicast = { Transport: 'RTP/AVP;multicast;port=5000-5001' };
    assert.equal((await client.request('SETUP', `${url}/trackID=0`, multicast)).status, 461);
    const describe = await client.request('DESCRIBE', url);
    assert.equal(describe.status, 200, 'still serving on the same connection');
    assert.match(describe.body, /profile-level-id=[0-9a-f]{6}/);
  } finally {
    client.destroy();
  }
});

test("a stranger's datagrams on the RTP/RTCP ports change nothing", async () => {
  const ports = fixture?.server.udpPorts;
  assert.ok(ports, 'UDP ports bound');
  const socket = createSocket('udp4');
  try {
    for (let i = 0; i < 200; i++) socket.send(Buffer.alloc(i + 1, i), ports[i % 2], '127.0.0.1');
    await new Promise((resolve) => setTimeout(resolve, 300));
  } finally {
    socket.close();
  }
  assert.equal(fixture?.server.stats().sessions, 0);
});

test('after all that the server still serves the right picture', async () => {
  const frames = await ffmpegRgbFrames(['-rtsp_transport', 'tcp', '-i', url, '-frames:v', '1'], {
    timeoutMs: 15_000,
  });
  assert.deepEqual(quadrantColours(frames[0]), ['red', 'lime', 'blue', 'yellow']);
});
