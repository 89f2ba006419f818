import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { Stitcher } from '../../../src/core/stitcher/stitcher';
import { openFdCount, rssMiB, threadCount, threadNames } from '../../helpers/processUsage';
import { sleep, waitFor } from '../../helpers/wait';

// A "camera" that accepts the TCP connection and then never answers: the worst case for stop().
let silentServer: Server;
let silentPort = 0;
const silentSockets = new Set<Socket>();

before(async () => {
  silentServer = createServer((socket) => {
    silentSockets.add(socket);
    // Read (and ignore) the requests, so the camera's hang-up is seen and the socket closed.
    socket.resume();
    socket.on('close', () => silentSockets.delete(socket));
  });
  await new Promise<void>((resolve) => silentServer.listen(0, '127.0.0.1', resolve));
  silentPort = (silentServer.address() as { port: number }).port;
});

after(async () => {
  for (const socket of silentSockets) socket.destroy();
  await new Promise((resolve) => silentServer.close(resolve));
});

function config() {
  return {
    cameras: [
      { name: 'a', url: 'demo:testsrc2?size=320x180&rate=25' },
      { name: 'b', url: 'demo:color?c=blue&size=320x180&rate=25' },
      { name: 'silent', url: `rtsp://user:hunter2@127.0.0.1:${silentPort}/cam` },
    ],
    output: { width: 640, height: 360, fps: 25, bitrate: 1000000, gop: 25 },
    layout: { preset: 'grid', cameras: ['a', 'b', 'silent'] },
  };
}

test('a camera that never answers does not hold up stop()', async () => {
  const stitcher = new Stitcher(config());
  await stitcher.start();
  await waitFor('the silent camera to be connected', () => silentSockets.size > 0, 5000);
  const started = Date.now();
  await stitcher.stop();
  const stopMs = Date.now() - started;
  assert.ok(stopMs < 2000, `stop() took ${stopMs} ms`);
});

test('start/stop 20 times grows neither threads, descriptors nor memory', async () => {
  const stitcher = new Stitcher(config());
  const cycle = async () => {
    await stitcher.start();
    await waitFor('frames', () => stitcher.stats().output.frames >= 5, 5000, 20);
    await stitcher.stop();
  };
  // Warm-up: the allocator, x264's tables and libuv's thread pool reach their steady size.
  for (let i = 0; i < 3; i++) await cycle();
  await sleep(200);
  const baseline = { threads: threadCount(), fds: openFdCount(), rss: rssMiB() };
  for (let i = 0; i < 20; i++) await cycle();
  await sleep(200);
  const end = { threads: threadCount(), fds: openFdCount(), rss: rssMiB() };
  assert.equal(end.threads, baseline.threads, `threads ${baseline.threads} → ${end.threads}`);
  assert.ok(end.fds <= baseline.fds, `file descriptors ${baseline.fds} → ${end.fds}`);
  assert.ok(end.rss - baseline.rss < 40, `RSS ${baseline.rss.toFixed(1)} → ${end.rss.toFixed(1)} MiB`);
});

test("top -H names each camera's thread and the output clock, and they go with stop()", async () => {
  const ownName = readFileSync('/proc/self/comm', 'utf8');
  const stitcher = new Stitcher(config());
  await stitcher.start();
  await waitFor('frames', () => stitcher.stats().output.frames >= 3, 5000, 20);
  const running = threadNames();
  for (const name of ['cm-cam a', 'cm-cam b', 'cm-cam silent', 'cm-clock'])
    assert.ok(running.includes(name), `no thread "${name}" among ${running.join(', ')}`);
  // x264's slice threads are named while the encoder opens; the JS thread gets its name back.
  assert.equal(readFileSync('/proc/self/comm', 'utf8'), ownName);
  await stitcher.stop();
  const left = threadNames().filter((name) => name.startsWith('cm-cam') || name === 'cm-clock');
  assert.deepEqual(left, []);
});

test('stop() is idempotent and a stopped stitcher can start again', async () => {
  const stitcher = new Stitcher(config());
  await stitcher.start();
  await Promise.all([stitcher.stop(), stitcher.stop()]);
  assert.equal(stitcher.running, false);
  await stitcher.start();
  await waitFor('frames after restart', () => stitcher.stats().output.frames >= 3, 5000, 20);
  await stitcher.stop();
});
