/**
 * One config served every way at once by the Engine, each repackaging the mosaic's one encode:
 * WebRTC (elsewhere), RTSP for NVRs, HLS for TVs and Safari, MSE for browsers without UDP. The
 * token guards /hls and /mse as it guards the rest (as `?token=`, which players can send), a page
 * of another origin cannot open the WebSocket, and neither the token nor the RTSP password shows
 * in the log.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { WebSocket } from 'ws';
import { Engine } from '../../../src/core/engine';
import { ffmpegRgbFrames } from '../../fixtures/pixels';
import { colourMosaicConfig, quadrantColours, recordingSink } from '../../helpers/colourMosaic';
import { waitFor } from '../../helpers/wait';

const token = 'hls-and-mse-token';
const rtspPassword = 'nvr-secret-password';
const logs: string[] = [];
let engine: Engine | undefined;

before(async () => {
  const { cameras, output, layout } = colourMosaicConfig(320, 180);
  const config = {
    cameras,
    server: { token, rtsp: { username: 'nvr', password: rtspPassword } },
    mosaics: [
      { name: 'wall', output, layout },
      { name: 'hall', output, layout: { preset: 'focus', camera: 'blue' } },
    ],
  };
  engine = new Engine(config, { port: 0, rtspPort: 0, host: '127.0.0.1', logSink: recordingSink(logs) });
  await engine.start();
});

after(async () => {
  await engine?.close();
});

function decode(input: string[], frames: number) {
  return ffmpegRgbFrames([...input, '-frames:v', String(frames)], { timeoutMs: 30_000 });
}

test('ffmpeg plays the HLS playlist with ?token=, each colour in its tile; without it, 401', async () => {
  const playlist = `${engine?.url}/hls/index.m3u8`;
  assert.equal((await fetch(playlist)).status, 401);
  const frames = await decode(['-i', `${playlist}?token=${token}`], 10);
  assert.equal(frames.length, 10);
  for (const frame of frames) {
    assert.equal(`${frame.width}x${frame.height}`, '320x180');
    assert.deepEqual(quadrantColours(frame), ['red', 'lime', 'blue', 'yellow']);
  }
  const hall = await fetch(`${engine?.url}/mosaics/hall/hls/index.m3u8?token=${token}`);
  assert.equal(hall.status, 200);
  assert.match(await hall.text(), /^#EXTM3U/);
});

test('ffmpeg plays each mosaic over RTSP with the password; the first also at /mosaic', async () => {
  const port = engine?.rtspPort ?? 0;
  assert.ok(port > 0, 'the RTSP server listens');
  const base = `rtsp://nvr:${rtspPassword}@127.0.0.1:${port}`;
  const [wall] = await decode(['-rtsp_transport', 'tcp', '-i', `${base}/mosaic`], 1);
  assert.deepEqual(quadrantColours(wall), ['red', 'lime', 'blue', 'yellow']);
  const [hall] = await decode(['-rtsp_transport', 'tcp', '-i', `${base}/hall`], 1);
  assert.deepEqual(quadrantColours(hall), ['blue', 'blue', 'blue', 'blue']);
});

interface Opened {
  status: number;
  texts: string[];
  binaries: Buffer[];
  socket?: WebSocket;
}

function openMse(path: string, headers: Record<string, string> = {}): Promise<Opened> {
  const url = `${engine?.url.replace('http', 'ws')}${path}`;
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { headers });
    const opened: Opened = { status: 101, texts: [], binaries: [], socket };
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) opened.binaries.push(data);
      else opened.texts.push(data.toString());
    });
    socket.once('open', () => resolve(opened));
    socket.once('unexpected-response', (_request, response) => {
      resolve({ status: response.statusCode ?? 0, texts: [], binaries: [] });
      socket.terminate();
    });
    socket.once('error', () => resolve({ status: 0, texts: [], binaries: [] }));
  });
}

test('MSE: the WebSocket needs the token and a page of this origin; it then streams fMP4', async () => {
  assert.equal((await openMse('/mse')).status, 401, 'no token');
  const host = new URL(engine?.url ?? '').host;
  const foreign = await openMse(`/mse?token=${token}`, { Origin: 'http://evil.example' });
  assert.equal(foreign.status, 403, 'a page of another origin');
  const client = await openMse(`/mosaics/hall/mse?token=${token}`, { Origin: `http://${host}` });
  try {
    assert.equal(client.status, 101);
    await waitFor('the init segment and 10 fragments', () => client.binaries.length >= 11, 15_000);
    assert.equal(JSON.parse(client.texts[0] ?? '{}').type, 'mse');
    assert.equal(client.binaries[0].subarray(4, 8).toString('latin1'), 'ftyp');
    const stats = engine?.stats() as unknown as { mosaics: Record<string, { mse: { clients: number } }> };
    assert.equal(stats.mosaics.hall.mse.clients, 1, '/stats counts the MSE client');
  } finally {
    client.socket?.close();
  }
});

test('the log shows neither the token nor the RTSP password', () => {
  const all = logs.join('\n');
  assert.ok(all.length > 0);
  assert.ok(!all.includes(token), 'token in the log');
  assert.ok(!all.includes(rtspPassword), 'RTSP password in the log');
});
