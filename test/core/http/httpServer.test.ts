import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import { RTCPeerConnection, useVP8 } from 'werift';
import { Engine } from '../../../src/core/engine';
import { HttpServer } from '../../../src/core/http/httpServer';
import { createLogger } from '../../../src/core/logger';
import { h264Codecs } from '../../../src/core/webrtc/peerConfig';
import { waitFor } from '../../helpers/wait';
import { WhepClient } from '../../helpers/whepClient';
import { colourMosaicConfig, recordingSink } from '../../helpers/colourMosaic';
import { withoutDefaultStun } from '../../../src/core/webrtc/noDefaultStun';

const token = 'correct horse battery staple';
const auth = { Authorization: `Bearer ${token}` };
const logs: string[] = [];
let engine: Engine;
let base = '';
const clients: WhepClient[] = [];

before(async () => {
  const config = colourMosaicConfig(320, 180, { server: { token, maxViewers: 1 } });
  // A camera with a password that never answers: its URL shows in /stats, its password must not.
  config.cameras.push({ name: 'secret', url: 'rtsp://admin:hunter2@127.0.0.1:9/stream' });
  engine = new Engine(config, { port: 0, host: '127.0.0.1', logSink: recordingSink(logs) });
  await engine.start();
  base = engine.url;
  await waitFor('frames', () => engine.stats().total_frames >= 5, 10_000);
});

after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await engine?.close();
});

async function request(
  path: string,
  init: RequestInit = {},
): Promise<{ status: number; body: string; headers: Headers }> {
  const response = await fetch(`${base}${path}`, init);
  return { status: response.status, body: await response.text(), headers: response.headers };
}

test('the page and its scripts need no token; the API does', async () => {
  const page = await request('/');
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', /text\/html/);
  assert.match(page.body, /<video/);
  assert.equal((await request('/player.js')).status, 200);
  assert.equal((await request('/whepPlayer.js')).status, 200);
  for (const path of ['/stats', '/metrics', '/snapshot.jpg', '/api/layout']) {
    assert.equal((await request(path)).status, 401, `${path} without a token`);
    const wrong = await request(path, { headers: { Authorization: 'Bearer correct horse battery stapler' } });
    assert.equal(wrong.status, 401, `${path} with a wrong token`);
    assert.equal(wrong.headers.get('www-authenticate'), 'Bearer realm="camera-mosaic"');
  }
  assert.equal(
    (
      await request('/whep', {
        method: 'POST',
        headers: { 'Content-Type': 'application/sdp' },
        body: 'v=0\r\n',
      })
    ).status,
    401,
  );
});

test('/stats has the old fields, per-tile detail, and no password', async () => {
  const { status, body } = await request('/stats', { headers: auth });
  assert.equal(status, 200);
  const stats = JSON.parse(body);
  for (const field of [
    'clients',
    'video_tracks',
    'running',
    'total_frames',
    'avg_fps',
    'resolution',
    'tiles',
    'viewers',
  ]) {
    assert.ok(field in stats, `/stats has ${field}`);
  }
  assert.equal(stats.running, true);
  assert.equal(stats.resolution, '320x180');
  assert.equal(stats.clients, 0);
  assert.ok(stats.total_frames >= 5);
  assert.deepEqual(Object.keys(stats.tiles[0]).sort(), [
    'camera',
    'content',
    'fps',
    'height',
    'reconnects',
    'state',
    'width',
    'x',
    'y',
  ]);
  assert.ok(!body.includes('hunter2'), 'the camera password is masked');
  assert.ok(body.includes('rtsp://admin:***@127.0.0.1:9/stream'));
});

test('/metrics is Prometheus text from its own registry', async () => {
  const { status, body, headers } = await request('/metrics', { headers: auth });
  assert.equal(status, 200);
  assert.match(headers.get('content-type') ?? '', /text\/plain/);
  assert.match(body, /^camera_mosaic_running 1$/m);
  assert.match(body, /^camera_mosaic_viewers 0$/m);
  assert.match(body, /^camera_mosaic_output_frames_total \d+$/m);
  assert.match(body, /^camera_mosaic_camera_up\{camera="red"\} [01]$/m);
  assert.ok(!body.includes('hunter2'));
});

test('/snapshot.jpg is a JPEG; a bad width is a 400', async () => {
  const response = await fetch(`${base}/snapshot.jpg?width=160`, { headers: auth });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-type'), 'image/jpeg');
  const jpeg = Buffer.from(await response.arrayBuffer());
  assert.deepEqual([...jpeg.subarray(0, 2)], [0xff, 0xd8]);
  assert.equal((await request('/snapshot.jpg?width=abc', { headers: auth })).status, 400);
});

test('OPTIONS from an unlisted origin gets no CORS headers, and needs no token', async () => {
  const { status, headers } = await request('/whep', {
    method: 'OPTIONS',
    headers: { Origin: 'http://elsewhere.example', 'Access-Control-Request-Method': 'POST' },
  });
  assert.equal(status, 204);
  assert.equal(headers.get('access-control-allow-origin'), null);
  assert.equal(headers.get('vary'), 'Origin');
});

test('bad WHEP requests get the right 4xx and the server keeps serving', async () => {
  const post = (body: string | Buffer, type = 'application/sdp') =>
    request('/whep', { method: 'POST', headers: { ...auth, 'Content-Type': type }, body });
  const cases: [string, Promise<{ status: number; body: string }>, number][] = [
    ['text/plain body', post('v=0\r\n', 'text/plain'), 415],
    ['no content type', request('/whep', { method: 'POST', headers: auth, body: 'v=0' }), 415],
    ['JSON instead of SDP', post('{"sdp": "v=0"}'), 400],
    ['empty offer', post(''), 400],
    ['SDP without media', post('v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n'), 400],
    [
      'broken video section',
      post('v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n'),
      400,
    ],
    ['oversize body', post(Buffer.alloc(100 * 1024, 'a')), 413],
    [
      'unknown session (DELETE)',
      request('/whep/00000000-0000-4000-8000-000000000000', { method: 'DELETE', headers: auth }),
      404,
    ],
    [
      'unknown session (PATCH)',
      request('/whep/00000000-0000-4000-8000-000000000000', { method: 'PATCH', headers: auth }),
      404,
    ],
    ['malformed session id', request('/whep/../../etc/passwd', { method: 'DELETE', headers: auth }), 404],
    ['unknown path', request('/nope', { headers: auth }), 404],
    ['wrong method', request('/stats', { method: 'POST', headers: auth }), 405],
  ];
  for (const [what, pending, expected] of cases) {
    const { status, body } = await pending;
    assert.equal(status, expected, `${what}: ${status} ${body}`);
    if (status !== 405 && status !== 404) assert.ok(JSON.parse(body).error, `${what} says why`);
  }
  assert.equal((await request('/stats', { headers: auth })).status, 200, 'still serving');
});

test('a chunked body without Content-Length is cut off at 64 KiB with 413', async () => {
  const { port } = new URL(base);
  const status = await new Promise<number>((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path: '/whep',
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/sdp' },
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    // Written in pieces: the server must refuse while reading, not after buffering it all.
    const piece = Buffer.alloc(16 * 1024, 'v');
    for (let i = 0; i < 8; i++) req.write(piece);
    req.end();
  });
  assert.equal(status, 413);
  assert.equal((await request('/stats', { headers: auth })).status, 200, 'still serving');
});

/** A real offer from a werift peer: H.264 by default, or only the codecs given. */
async function offerSdp(
  codecs = h264Codecs(),
  direction: 'recvonly' | 'sendonly' = 'recvonly',
): Promise<string> {
  const pc = new RTCPeerConnection({ codecs: { video: codecs } });
  try {
    pc.addTransceiver('video', { direction });
    withoutDefaultStun(pc);
    await pc.setLocalDescription(await pc.createOffer());
    return pc.localDescription?.sdp ?? '';
  } finally {
    await pc.close();
  }
}

test('offers we cannot serve are 400 with a reason; cut-off offers never crash the server', async () => {
  const post = (sdp: string) =>
    request('/whep', { method: 'POST', headers: { ...auth, 'Content-Type': 'application/sdp' }, body: sdp });
  const vp8 = await post(await offerSdp([useVP8()]));
  assert.equal(vp8.status, 400);
  assert.match(JSON.parse(vp8.body).error, /H\.264/);
  const sending = await post(await offerSdp(h264Codecs(), 'sendonly'));
  assert.equal(sending.status, 400, sending.body);
  const offer = await offerSdp();
  for (let length = 0; length < offer.length; length += Math.ceil(offer.length / 23)) {
    const { status, body, headers } = await post(offer.slice(0, length));
    assert.ok(status === 400 || status === 201, `offer cut at ${length}: ${status} ${body}`);
    if (status === 201) {
      const deleted = await request(headers.get('location') ?? '', { method: 'DELETE', headers: auth });
      assert.equal(deleted.status, 200);
    }
  }
  assert.equal((await request('/stats', { headers: auth })).status, 200, 'still serving');
  await waitFor('0 clients', () => engine.stats().clients === 0, 3000);
});

test('PUT /api/layout: bad JSON, wrong type and invalid layouts are 4xx with field names', async () => {
  const put = (body: string, type = 'application/json') =>
    request('/api/layout', { method: 'PUT', headers: { ...auth, 'Content-Type': type }, body });
  assert.equal((await put('{"preset":')).status, 400);
  assert.equal((await put('{}', 'text/plain')).status, 415);
  const unknown = await put(JSON.stringify({ preset: 'focus', camera: 'nobody' }));
  assert.equal(unknown.status, 400);
  const problem = JSON.parse(unknown.body);
  assert.ok(
    problem.issues.length > 0 && problem.issues.every((i: { field: string }) => typeof i.field === 'string'),
  );
  assert.match(problem.error, /nobody/);
  const { status, body } = await request('/api/layout', { headers: auth });
  assert.equal(status, 200);
  assert.equal(JSON.parse(body).tiles.length, 4, 'the layout did not change');
});

test('WHEP: a viewer beyond maxViewers gets 503; DELETE ends a session, a second DELETE is 404', async () => {
  const client = await WhepClient.connect(`${base}/whep`, { token });
  clients.push(client);
  assert.match(client.sessionUrl, /\/whep\/[0-9a-f-]{36}$/);
  const offer = await WhepClient.connect(`${base}/whep`, { token }).catch((error: Error) => error);
  assert.ok(offer instanceof Error && /503/.test(offer.message), String(offer));
  const path = new URL(client.sessionUrl).pathname;
  assert.equal((await request(path, { method: 'PATCH', headers: auth })).status, 405);
  assert.equal((await request(path, { method: 'DELETE', headers: auth })).status, 200);
  await waitFor('0 clients', () => engine.stats().clients === 0, 3000);
  assert.equal((await request(path, { method: 'DELETE', headers: auth })).status, 404);
});

test('past maxConnections a new connection gets a 503 at once, and is served again once one closes', async () => {
  const lines: string[] = [];
  const server = new HttpServer(
    [{ method: 'GET', path: /^\/ping$/, public: true, handle: ({ res }) => void res.end('pong') }],
    { host: '127.0.0.1', port: 0, logger: createLogger('http', recordingSink(lines)), maxConnections: 2 },
  );
  const { port } = await server.listen();
  const idle = [connect(port, '127.0.0.1'), connect(port, '127.0.0.1')];
  try {
    await Promise.all(idle.map((s) => new Promise((resolve) => s.once('connect', resolve))));
    await waitFor('the server to hold both', () => server.port > 0 && idle.every((s) => !s.destroyed), 1000);
    const askedAt = Date.now();
    const busy = await fetch(`http://127.0.0.1:${port}/ping`, { signal: AbortSignal.timeout(5000) });
    assert.equal(busy.status, 503);
    assert.equal(busy.headers.get('retry-after'), '5');
    assert.ok(Date.now() - askedAt < 2000, `answered after ${Date.now() - askedAt} ms`);
    assert.equal(
      lines.filter((l) => /answering new connections 503: 2 open/.test(l)).length,
      1,
      lines.join('\n'),
    );
    idle.pop()?.destroy();
    const served = await waitFor(
      'a free slot',
      async () => {
        const response = await fetch(`http://127.0.0.1:${port}/ping`).catch(() => undefined);
        return response?.status === 200 ? response : undefined;
      },
      3000,
    );
    assert.equal(await served.text(), 'pong');
  } finally {
    for (const socket of idle) socket.destroy();
    await server.close();
  }
});
