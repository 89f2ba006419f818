import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { freePort } from '../fixtures/rtspCamera';
import { ChildLines } from '../helpers/childLines';
import type { SwarmViewerFigures } from '../helpers/viewerSwarm';
import { sleep, waitFor } from '../helpers/wait';
import { WhepClient } from '../helpers/whepClient';
import { reportFigures, scaled } from './soakScale';

// Viewers come and go all day; half leave with a WHEP DELETE, half simply vanish (a closed tab,
// a lost network: no DELETE, no more ICE consent). Two steady viewers (in a process of their own,
// so the churning sessions' handshakes in this one never stall them) watch throughout and never
// wait more than 200 ms for a frame; afterwards the server (the CLI, in its own process, measured
// from /proc) has no peer, socket or memory left over.
const sessions = scaled(40, 1000);
const concurrent = scaled(10, 20);
let server: ChildProcess;
let url = '';
let memoryFile = '';
let steady: ChildProcess | undefined;

interface ServerUsage {
  fds: number;
  threads: number;
  rssMiB: number;
  /** JavaScript objects still reachable after a full GC: what a leak in JS would grow. */
  heapUsedMiB: number;
  /** RSS less V8's heap: native memory (werift's crypto, libuv, FFmpeg, x264), what a native leak would grow. */
  nativeMiB: number;
}

const mib = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;

/**
 * The server's descriptors and threads (from /proc), and its memory after a full garbage
 * collection (see gcOnSignal.ts). RSS alone says little about a leak here: after a collection V8
 * keeps part of the heap it grew to for the burst, as free pages it reuses, so RSS depends on
 * the heap's shape more than on what is held; the figure is reported beside the two that a leak
 * would grow.
 */
async function settledUsage(): Promise<ServerUsage> {
  const pid = server.pid ?? 0;
  const before = existsSync(memoryFile) ? readFileSync(memoryFile, 'utf8').length : 0;
  server.kill('SIGUSR2');
  const line = await waitFor(
    'the server to report its memory after a GC',
    () =>
      existsSync(memoryFile)
        ? readFileSync(memoryFile, 'utf8').slice(before).split('\n')[0] || undefined
        : undefined,
    5000,
    50,
  );
  const memory = JSON.parse(line) as { rss: number; heapUsed: number; heapTotal: number };
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const threads = Number(
    status
      .split('\n')
      .find((l) => l.startsWith('Threads:'))
      ?.split(/\s+/)[1] ?? 0,
  );
  return {
    fds: readdirSync(`/proc/${pid}/fd`).length,
    threads,
    rssMiB: mib(memory.rss),
    heapUsedMiB: mib(memory.heapUsed),
    nativeMiB: mib(memory.rss - memory.heapTotal),
  };
}

/** `count` sessions, `concurrent` at a time, every other one vanishing; returns how many vanished. */
async function churn(endpoint: string, count: number, concurrent: number): Promise<number> {
  let started = 0;
  let vanished = 0;
  const running = new Set<Promise<void>>();
  while (started < count) {
    while (running.size < concurrent && started < count) {
      const vanish = started % 2 === 1;
      started++;
      const run = (async () => {
        const client = await WhepClient.connect(endpoint, { keepUnits: false });
        await waitFor('a frame', () => client.counters.frames > 0, 10000, 20);
        await sleep(100 + Math.random() * 400);
        if (vanish) {
          vanished++;
          await client.vanish();
        } else {
          await client.close();
        }
      })();
      const tracked = run.finally(() => running.delete(tracked));
      running.add(tracked);
    }
    await Promise.race(running);
  }
  await Promise.all(running);
  return vanished;
}

async function clients(): Promise<number> {
  const stats = (await (await fetch(`${url}/stats`)).json()) as { clients: number };
  return stats.clients;
}

before(async () => {
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  const configPath = join(tmpdir(), `camera-mosaic-churn-${process.pid}.json`);
  memoryFile = join(tmpdir(), `camera-mosaic-churn-${process.pid}.memory`);
  writeFileSync(
    configPath,
    JSON.stringify({
      cameras: [{ name: 'a', url: 'demo:testsrc2?size=320x180&rate=25' }],
      output: { width: 640, height: 360, fps: 25, bitrate: 800000, gop: 50 },
      // Vanished peers count until their disconnect timeout removes them.
      server: { host: '127.0.0.1', port, maxViewers: 200 },
    }),
  );
  const cli = join(__dirname, '..', '..', 'src', 'core', 'cli.js');
  const gcOnSignal = join(__dirname, '..', 'helpers', 'gcOnSignal.js');
  server = spawn(process.execPath, ['--expose-gc', '--require', gcOnSignal, cli, '--config', configPath], {
    stdio: 'ignore',
    env: { ...process.env, CAMERA_MOSAIC_LOG: 'error', CAMERA_MOSAIC_TEST_MEMORY_FILE: memoryFile },
  });
  await waitFor(
    'the server',
    async () =>
      (await fetch(`${url}/stats`).then(
        (r) => r.ok,
        () => false,
      )) || undefined,
    15000,
    100,
  );
});

after(async () => {
  rmSync(memoryFile, { force: true });
  if (steady && steady.exitCode === null) {
    steady.kill('SIGTERM');
    await new Promise((resolve) => steady?.once('exit', resolve));
  }
  if (server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
  }
});

test(`${sessions} WHEP sessions, ${concurrent} at a time, half vanishing: steady viewers undisturbed, nothing left`, async () => {
  const endpoint = `${url}/whep`;
  // Warm-up: a round of the same churn, so werift's and V8's first-use allocations (and the heap
  // growing to its working size) are not counted as growth.
  await churn(endpoint, scaled(concurrent * 2, 200), concurrent);
  await waitFor('no viewers', async () => (await clients()) === 0, 15000, 250);
  await sleep(6000); // idle keep-alive connections close (5 s)
  const baseline = await settledUsage();

  steady = spawn(process.execPath, [join(__dirname, '..', 'helpers', 'viewerSwarm.js'), endpoint, '2', '-'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const steadyLines = new ChildLines(steady);
  await steadyLines.find((line) => line === 'READY', 20000);

  const vanished = await churn(endpoint, sessions, concurrent);
  await waitFor('vanished peers to be cleaned up', async () => (await clients()) === 2, 20000, 250);
  steady.stdin?.end(); // the window ends: the swarm reports and closes its viewers
  const received = JSON.parse(
    await steadyLines.find((line) => line.startsWith('['), 20000),
  ) as SwarmViewerFigures[];
  const gaps = received.map((r) => r.maxFrameGapMs);
  await waitFor('no viewers at all', async () => (await clients()) === 0, 10000);
  await sleep(6000);
  const end = await settledUsage();
  reportFigures('viewer-churn', {
    sessions,
    concurrent,
    vanished,
    steadyMaxFrameGapMs: gaps,
    server: { baseline, end },
  });
  assert.ok(
    gaps.every((g) => g <= 200),
    `steady viewers' longest frame gaps: ${gaps} ms`,
  );
  assert.ok(end.fds <= baseline.fds, `server descriptors ${baseline.fds} → ${end.fds}`);
  assert.equal(end.threads, baseline.threads, 'server threads');
  assert.ok(
    end.heapUsedMiB - baseline.heapUsedMiB <= 5,
    `server JS heap held ${baseline.heapUsedMiB} → ${end.heapUsedMiB} MiB`,
  );
  assert.ok(
    end.nativeMiB - baseline.nativeMiB <= 5,
    `server native memory ${baseline.nativeMiB} → ${end.nativeMiB} MiB`,
  );
});
