import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { Engine } from '../../src/core/engine';
import { sleep, waitFor } from '../helpers/wait';
import { WhepClient } from '../helpers/whepClient';
import { reportFigures, scaled } from './soakScale';

// Resource bounds: a hundred "slowloris" connections (headers trickling in a byte at a time)
// neither stop a new viewer from playing nor stay open past the header timeout; oversize bodies
// and the viewer limit are answered, not queued.
const slowConnections = scaled(100, 100);
let engine: Engine;
const sockets: Socket[] = [];

before(async () => {
  engine = new Engine(
    {
      cameras: [{ name: 'a', url: 'demo:color?c=red&size=160x90&rate=25' }],
      output: { width: 320, height: 180, fps: 25, bitrate: 300000, gop: 25 },
      server: { maxViewers: 2 },
    },
    { port: 0, host: '127.0.0.1', logSink: () => undefined },
  );
  await engine.start();
});

after(async () => {
  for (const socket of sockets) socket.destroy();
  await engine?.close();
});

test(`${slowConnections} slowloris connections: a new viewer still plays, and they are cut off`, async () => {
  const { port } = new URL(engine.url);
  let closedByServer = 0;
  for (let i = 0; i < slowConnections; i++) {
    const socket = connect(Number(port), '127.0.0.1');
    socket.on('error', () => undefined);
    socket.on('close', () => closedByServer++);
    socket.write('GET /stats HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    sockets.push(socket);
  }
  const trickle = setInterval(() => sockets.forEach((s) => s.writable && s.write('a')), 1000);
  try {
    const started = Date.now();
    const viewer = await WhepClient.connect(`${engine.url}/whep`, { keepUnits: false });
    await waitFor('the new viewer to play', () => viewer.counters.frames > 10, 5000);
    const playMs = Date.now() - started;
    await viewer.close();
    // The server's header timeout (10 s) ends every one of them.
    await waitFor(
      `the slow connections to be cut off (${closedByServer} so far)`,
      () => closedByServer >= slowConnections,
      20000,
      250,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; ${closedByServer} of ${slowConnections} closed`);
    });
    reportFigures('resource-bounds', {
      slowConnections,
      newViewerPlayingAfterMs: playMs,
      slowConnectionsClosed: closedByServer,
    });
    assert.ok(playMs < 3000, `played after ${playMs} ms`);
  } finally {
    clearInterval(trickle);
  }
});

test('an oversize body is 413 at once; past maxViewers is 503', async () => {
  const big = await fetch(`${engine.url}/whep`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/sdp' },
    body: 'v=0\r\n'.repeat(200000),
  });
  assert.equal(big.status, 413);
  const viewers = [
    await WhepClient.connect(`${engine.url}/whep`, { keepUnits: false }),
    await WhepClient.connect(`${engine.url}/whep`, { keepUnits: false }),
  ];
  await assert.rejects(WhepClient.connect(`${engine.url}/whep`, { keepUnits: false }), /503/);
  await Promise.all(viewers.map((v) => v.close()));
  await sleep(100);
});
