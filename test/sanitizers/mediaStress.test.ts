import './withoutPreload';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Engine } from '../../src/core/engine';
import type { Stitcher } from '../../src/core/stitcher/stitcher';
import { startCameras, type RtspCamera } from '../fixtures/rtspCamera';
import { RtspRecordServer } from '../fixtures/rtspRecordServer';
import { sleep, waitFor } from '../helpers/wait';
import { WhepClient } from '../helpers/whepClient';
import { churn, fetchOk, poll, type ChurnResult } from './churn';

// The stress scenario of `npm run test:sanitizers` (scripts/sanitizers/), run once on the
// ThreadSanitizer build of the addon and once on the AddressSanitizer + UBSan one: everything
// that moves at once on real cameras, so that every path between the JS thread and the native
// threads is crossed while the others run. The sanitizers judge the native side; this test
// checks that the mosaic still did what a user sees (answers, frames, recovery).
const durationMs = Number(process.env.SANITIZER_STRESS_MS ?? 30_000);
const names = ['a', 'b', 'c'] as const;
const layouts = [
  { preset: 'grid', cameras: names },
  { preset: 'focus', camera: 'a' },
  { preset: '1+N', cameras: ['b', 'a', 'c'] },
  { preset: 'grid', cameras: ['c', 'a'] },
];

const logs: string[] = [];
let cameras: RtspCamera[] = [];
let recorder: RtspRecordServer;
let engine: Engine;
let wall: Stitcher;
let lobby: Stitcher;

before(async () => {
  recorder = new RtspRecordServer();
  [cameras] = await Promise.all([
    startCameras(names.map(() => ({ pattern: 'ball', width: 320, height: 180, fps: 15 }))),
    recorder.start(),
  ]);
  const config = {
    cameras: names.map((name, i) => ({ name, url: cameras[i].url })),
    mosaics: [
      {
        name: 'wall',
        output: { width: 640, height: 360, fps: 15, bitrate: 600_000, gop: 15 },
        layout: layouts[0],
        outputs: [{ name: 'recorder', type: 'rtsp', url: recorder.url }],
      },
      {
        name: 'lobby',
        output: { width: 320, height: 180, fps: 15, bitrate: 300_000, gop: 15 },
        layout: { preset: 'focus', camera: 'c' },
      },
    ],
  };
  engine = new Engine(config, {
    port: 0,
    host: '127.0.0.1',
    logSink: (level, scope, message) => logs.push(`${level} ${scope}: ${message}`),
    viewerDisconnectTimeoutMs: 2000,
  });
  await engine.start();
  wall = engine.mosaic('wall');
  lobby = engine.mosaic('lobby');
  await waitFor('every camera live', () => allLive(), 20_000);
});

after(async () => {
  await engine?.close();
  await Promise.all([...cameras.map((c) => c.stop()), recorder?.stop()]);
});

function allLive(): boolean {
  return wall.stats().cameras.every((c) => c.state === 'live');
}

function cameraLive(name: string): boolean {
  return wall.stats().cameras.find((c) => c.name === name)?.state === 'live';
}

/**
 * Reads the camera's stats as fast as the JS thread can (a status node gone wild) until it is
 * live again: the native stats are read at every turn of the event loop while the camera's thread
 * reconnects, which is when a reader and the reconnect can meet.
 */
async function pollUntilLive(name: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!cameraLive(name)) {
    if (Date.now() > deadline) throw new Error(`${name} not live again within 10000 ms`);
    await nextTurn();
  }
}

/** A viewer of the wall that joins, waits for its first frame, watches a little and leaves. */
async function viewerRound(index: number): Promise<void> {
  const viewer = await WhepClient.connect(`${engine.url}/whep`, { keepUnits: false });
  try {
    await waitFor('a first frame', () => viewer.counters.frames > 0, 15_000, 50).catch((error: Error) => {
      const { packets, brokenFrames } = viewer.counters;
      throw new Error(
        `${error.message} (peer ${viewer.connectionState}, ${packets} packets, ${brokenFrames} broken frames)`,
      );
    });
    await sleep(400 + (index % 3) * 300);
  } finally {
    // Half leave with a WHEP DELETE, half vanish as a closed tab does.
    await (index % 2 === 0 ? viewer.close() : viewer.vanish());
  }
}

test(`${durationMs} ms of flaps, re-layouts, polling, renditions, restarts and viewers`, async (t) => {
  const deadline = Date.now() + durationMs;
  const url = engine.url;
  let renditionUnits = 0;
  const results: ChurnResult[] = await Promise.all([
    churn('camera flap', deadline, 1500, async (i) => {
      const camera = cameras[i % cameras.length];
      await camera.stop();
      await sleep(300);
      // Every other return comes back at another size: a new decoder, scaler and motion state.
      await camera.restartWith(i % 2 === 0 ? { width: 320, height: 240 } : { width: 320, height: 180 });
      await pollUntilLive(names[i % names.length]);
    }),
    churn('re-layout', deadline, 300, async (i) => {
      const body = JSON.stringify(layouts[i % layouts.length]);
      await fetchOk(`${url}/api/layout`, {
        method: 'PUT',
        body,
        headers: { 'content-type': 'application/json' },
      });
    }),
    poll('/stats at 50 Hz', `${url}/stats`, deadline, 20),
    poll('/metrics at 50 Hz', `${url}/metrics`, deadline, 20),
    churn('snapshot', deadline, 500, async () => {
      await fetchOk(`${url}/snapshot.jpg`);
    }),
    churn('rendition', deadline, 700, async (i) => {
      const size = i % 2 === 0 ? { width: 320, height: 180 } : { width: 256, height: 144 };
      const rendition = wall.openRendition({ ...size, fps: 10, bitrate: 200_000 });
      rendition.on('accessunit', () => renditionUnits++);
      await sleep(300 + (i % 4) * 200);
      rendition.close();
    }),
    churn('output server restart', deadline, 2500, async () => {
      await recorder.stop();
      await sleep(300);
      await recorder.start();
    }),
    churn('mosaic stop and start', deadline, 1500, async () => {
      await lobby.stop();
      await sleep(200);
      await lobby.start();
    }),
    churn('viewer 1', deadline, 300, viewerRound),
    churn('viewer 2', deadline, 300, viewerRound),
  ]);
  t.diagnostic(results.map((r) => `${r.name}: ${r.rounds}`).join(', '));
  t.diagnostic(`rendition access units: ${renditionUnits}`);

  assert.deepEqual(
    results.flatMap((r) => r.failures).slice(0, 10),
    [],
    `what failed under stress (log tail: ${logs.slice(-10).join(' | ')})`,
  );
  for (const { name, rounds } of results) assert.ok(rounds >= 2, `${name}: only ${rounds} rounds`);
  assert.ok(renditionUnits > 0, 'no rendition delivered an access unit');
  // After the storm the mosaic is whole again, as a user would find it.
  await waitFor('every camera live at the end', () => allLive(), 15_000);
  await waitFor(
    'the recorder output live again',
    () => wall.stats().outputs.find((o) => o.name === 'recorder')?.state === 'live',
    15_000,
  );
  assert.ok(lobby.running, 'the lobby mosaic runs again');
  await viewerRound(0);
});
