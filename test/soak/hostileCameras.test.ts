import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { Engine } from '../../src/core/engine';
import type { CameraStats } from '../../src/core/stitcher/stitcherStats';
import { CorruptingRtspProxy } from '../fixtures/corruptingRtspProxy';
import { h264AccessUnit, HostileRtspServer } from '../fixtures/hostileRtspServer';
import { startCameras, type RtspCamera } from '../fixtures/rtspCamera';
import { rssMiB } from '../helpers/processUsage';
import { sleep, waitFor } from '../helpers/wait';
import { WhepClient } from '../helpers/whepClient';
import { reportFigures, scaled } from './soakScale';

// Cameras that misbehave, all in one mosaic with a steady camera and a viewer: 60 fps and 1 fps,
// a new resolution and a new codec after a reboot, one that stalls mid-stream, one that answers
// 404, one that answers 401 to a wrong password, one that accepts the TCP connection and then
// never says a word, and one whose H.264 arrives with random bit flips and truncated NAL units.
// And the attacks of issue 18: a redirect to another host (after Basic auth), a DESCRIBE that
// announces a gigabyte, a VP8 camera and an 8192x8192 one, each refused with its reason.
// Each tile shows the right state and reason (the password masked); the steady tile and the
// viewer never slow down.
let cameras: RtspCamera[] = [];
let proxy: CorruptingRtspProxy;
let engine: Engine;
let viewer: WhepClient;
let silent: Server;
let hostile: { elsewhere: HostileRtspServer; redirect: HostileRtspServer; others: HostileRtspServer[] };
const silentSockets = new Set<Socket>();
const wrongPassword = 'hostile-wrong-Pa55';
const names = [
  'steady',
  'fast',
  'slow',
  'resize',
  'recodec',
  'staller',
  'notfound',
  'corrupted',
  'refused',
  'silent',
  'redirect',
  'hugebody',
  'vp8',
  'huge8k',
];

before(async () => {
  cameras = await startCameras([
    { colour: 'ffffff', width: 320, height: 180 },
    { colour: 'ff0000', width: 320, height: 180, fps: 60 },
    { colour: '00ff00', width: 320, height: 180, fps: 1 },
    { colour: '0000ff', width: 640, height: 360 },
    { colour: 'ffff00', width: 320, height: 180, codec: 'h264' },
    { colour: '00ffff', width: 320, height: 180 },
    { colour: 'ff00ff', width: 320, height: 180 },
    { colour: '808080', width: 320, height: 180, user: 'viewer', password: 'right-password' },
  ]);
  // Accepts every connection and never answers: the camera must give up on its own deadline.
  silent = createServer((socket) => silentSockets.add(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const silentPort = (silent.address() as AddressInfo).port;
  // Rates high enough that most seconds carry a broken packet, low enough that whole GOPs survive.
  proxy = new CorruptingRtspProxy(cameras[6].url, { flipRate: 0.05, bitsPerFlip: 2, truncateRate: 0.03 });
  await proxy.start();
  const elsewhere = new HostileRtspServer({ auth: { user: 'admin', password: 'x', schemes: ['Basic'] } });
  await elsewhere.start();
  const redirect = new HostileRtspServer({
    auth: { user: 'admin', password: 'redirected-Pa55', schemes: ['Basic'] },
    redirectTo: elsewhere.url(),
  });
  const others = [
    new HostileRtspServer({ describeBodyBytes: 1_000_000_000 }),
    new HostileRtspServer({ stream: { codec: 'VP8' } }),
    new HostileRtspServer({ stream: { codec: 'H264', accessUnit: h264AccessUnit(8192, 8192), fps: 5 } }),
  ];
  await Promise.all([redirect, ...others].map((server) => server.start()));
  hostile = { elsewhere, redirect, others };
  const url = (i: number) => cameras[i].url;
  engine = new Engine(
    {
      cameras: [
        ...names.slice(0, 6).map((name, i) => ({ name, url: url(i) })),
        { name: 'notfound', url: url(0).replace('/cam', '/no-such-stream') },
        { name: 'corrupted', url: proxy.url },
        { name: 'refused', url: url(7).replace('right-password', wrongPassword) },
        { name: 'silent', url: `rtsp://127.0.0.1:${silentPort}/cam` },
        { name: 'redirect', url: redirect.url({ user: 'admin', password: 'redirected-Pa55' }) },
        { name: 'hugebody', url: others[0].url() },
        { name: 'vp8', url: others[1].url() },
        { name: 'huge8k', url: others[2].url() },
      ],
      output: { width: 960, height: 540, fps: 25, bitrate: 1000000, gop: 50 },
      layout: { preset: 'grid', cameras: names, rows: 4, columns: 4 },
    },
    { port: 0, host: '127.0.0.1', logSink: () => undefined },
  );
  await engine.start();
  viewer = await WhepClient.connect(`${engine.url}/whep`, { keepUnits: false });
});

after(async () => {
  await viewer?.close();
  await engine?.close();
  await proxy?.stop();
  await Promise.all(
    [hostile?.elsewhere, hostile?.redirect, ...(hostile?.others ?? [])].map((server) => server?.stop()),
  );
  for (const socket of silentSockets) socket.destroy();
  await new Promise((resolve) => silent?.close(resolve));
  await Promise.all(cameras.map((c) => c.stop()));
});

const stats = () => engine.stitcher.stats();
const camera = (name: string): CameraStats => stats().cameras.find((c) => c.name === name)!;

test('misbehaving cameras: right state and reason each; the steady tile and the viewer keep their rate', async () => {
  await waitFor(
    'the playing cameras to be live',
    () => names.slice(0, 6).every((n) => camera(n).state === 'live'),
    15000,
  );
  const figures: Record<string, unknown> = {};
  const steadyBefore = camera('steady').frames;
  const viewerBefore = viewer.counters.frames;
  const started = Date.now();

  // 60 fps and 1 fps are decoded at their own rates.
  await sleep(3000);
  figures['fps'] = { fast: camera('fast').fps, slow: camera('slow').fps };
  assert.ok(camera('fast').fps > 45, `60 fps camera decoded at ${camera('fast').fps}`);
  assert.ok(
    camera('slow').fps <= 2 && camera('slow').state !== 'offline',
    `1 fps camera: ${camera('slow').fps} fps, ${camera('slow').state}`,
  );

  // 404: offline, and says why.
  assert.equal(camera('notfound').state === 'live', false);
  assert.match(camera('notfound').lastError, /404|not found/i);

  // 401: offline, says so, and never shows the password it was given.
  await waitFor(
    'the wrong password to be refused',
    () => /401|unauthori[sz]ed/i.test(camera('refused').lastError),
    10000,
  );
  assert.notEqual(camera('refused').state, 'live');
  assert.ok(
    !JSON.stringify(engine.stats()).includes(wrongPassword),
    'the wrong password shows nowhere in /stats',
  );

  // Connected but silent: not live, and named as what it is once the open deadline passes.
  await waitFor(
    'the silent camera to be called out',
    () => /no answer/.test(camera('silent').lastError),
    15000,
  );
  assert.notEqual(camera('silent').state, 'live');

  // Issue 18's hostile cameras: each offline with its reason; nothing reached the other host.
  const reasons = {
    redirect: /redirected to another host \(rtsp:\/\/127\.0\.0\.1:\d+\/cam\)/,
    hugebody: /announced an RTSP answer of 1000000000 bytes/,
    vp8: /^unsupported codec vp8/,
    huge8k: /^picture too large: the camera sends 8192x8192/,
  };
  for (const [name, reason] of Object.entries(reasons)) {
    await waitFor(`${name} refused with its reason`, () => reason.test(camera(name).lastError), 15000);
    assert.notEqual(camera(name).state, 'live', name);
  }
  assert.equal(hostile.elsewhere.connections, 0, 'the redirect target never saw a connection');
  assert.ok(!JSON.stringify(engine.stats()).includes('redirected-Pa55'));

  // A reboot into a new resolution, and one into a new codec.
  await cameras[3].restartWith({ width: 1280, height: 720 });
  await cameras[4].restartWith({ codec: 'h265' });
  await waitFor(
    'the resized camera back at 1280x720',
    () => camera('resize').state === 'live' && camera('resize').width === 1280,
    10000,
  );
  await waitFor(
    'the camera back as H.265',
    () => camera('recodec').state === 'live' && camera('recodec').codec === 'hevc',
    10000,
  );

  // A camera that stalls mid-stream with its connection open: stale, then offline "no data".
  cameras[5].freeze();
  await waitFor('the stalled camera to go stale', () => camera('staller').state === 'stale', 5000);
  await waitFor('the stall to be called out', () => /no data/.test(camera('staller').lastError), 10000);
  cameras[5].thaw();
  await waitFor('the staller to recover', () => camera('staller').state === 'live', 10000);

  const seconds = (Date.now() - started) / 1000;
  const steadyFps = (camera('steady').frames - steadyBefore) / seconds;
  const viewerFps = (viewer.counters.frames - viewerBefore) / seconds;
  figures['steadyCameraFps'] = Math.round(steadyFps * 10) / 10;
  figures['viewerFps'] = Math.round(viewerFps * 10) / 10;
  figures['skippedTicks'] = stats().output.skippedTicks;
  figures['rssMiB'] = Math.round(rssMiB());
  figures['reasons'] = Object.fromEntries(stats().cameras.map((c) => [c.name, c.lastError]));
  reportFigures('hostile-cameras', figures);
  assert.ok(steadyFps > 22, `steady camera at ${steadyFps} fps`);
  assert.ok(viewerFps > 22, `viewer at ${viewerFps} fps`);
  assert.equal(viewer.counters.brokenFrames, 0);
  assert.equal(engine.stitcher.running, true);
});

test('a camera sending bit flips and truncated NAL units: its tile decodes what it can, nothing else slows down', async () => {
  await waitFor('the corrupted camera to decode a first frame', () => camera('corrupted').frames > 0, 15000);
  const seconds = scaled(6, 120);
  const tile = () => stats().tiles.find((t) => t.camera === 'corrupted');
  const atStart = {
    corrupted: camera('corrupted'),
    steady: camera('steady').frames,
    viewer: viewer.counters.frames,
  };
  const proxyBefore = { ...proxy.counters };
  const samples: { frames: number; state: string; content: string }[] = [];
  const started = Date.now();
  for (let i = 0; i < seconds; i++) {
    await sleep(1000);
    samples.push({
      frames: camera('corrupted').frames,
      state: camera('corrupted').state,
      content: tile()?.content ?? 'none',
    });
  }
  const elapsed = (Date.now() - started) / 1000;
  const atEnd = camera('corrupted');
  // Every two-second window decodes something: a keyframe a second, so a broken GOP costs ≤ 1 s.
  const stalledWindows = samples.filter((s, i) => i >= 2 && s.frames <= samples[i - 2].frames).length;
  const steadyFps = (camera('steady').frames - atStart.steady) / elapsed;
  const viewerFps = (viewer.counters.frames - atStart.viewer) / elapsed;
  const figures = {
    seed: proxy.seed,
    seconds: Math.round(elapsed),
    videoPackets: proxy.counters.videoPackets - proxyBefore.videoPackets,
    flippedPackets: proxy.counters.flippedPackets - proxyBefore.flippedPackets,
    truncatedPackets: proxy.counters.truncatedPackets - proxyBefore.truncatedPackets,
    decodedFps: Math.round(((atEnd.frames - atStart.corrupted.frames) / elapsed) * 10) / 10,
    decodeErrors: atEnd.errors - atStart.corrupted.errors,
    reconnects: atEnd.reconnects - atStart.corrupted.reconnects,
    stalledWindows,
    states: [...new Set(samples.map((s) => `${s.state}/${s.content}`))],
    steadyCameraFps: Math.round(steadyFps * 10) / 10,
    viewerFps: Math.round(viewerFps * 10) / 10,
    lastError: atEnd.lastError,
  };
  reportFigures('hostile-corrupted-h264', figures);
  const replay = `(replay with CORRUPT_SEED=${proxy.seed}) ${JSON.stringify(figures)}`;
  assert.ok(
    figures.flippedPackets > 0 && figures.truncatedPackets > 0,
    `the proxy corrupted packets ${replay}`,
  );
  assert.ok(figures.decodedFps > 10, `the corrupted camera still decodes ${replay}`);
  assert.equal(stalledWindows, 0, `the corrupted camera's frame counter advanced every 2 s ${replay}`);
  assert.ok(
    samples.every((s) => s.content === 'live' || s.content === 'cached'),
    `its tile shows a picture throughout ${replay}`,
  );
  assert.ok(steadyFps > 22, `steady camera at ${steadyFps} fps ${replay}`);
  assert.ok(viewerFps > 22, `viewer at ${viewerFps} fps ${replay}`);
  assert.equal(viewer.counters.brokenFrames, 0);
  assert.equal(engine.stitcher.running, true);
  // /stats over HTTP, as a user reads it: the damage shows as errors (packets the decoder
  // rejected, and frames it had to conceal), so a user can tell the camera sends broken data.
  const served = (await (await fetch(`${engine.url}/stats`)).json()) as { cameras: CameraStats[] };
  const corrupted = served.cameras.find((c) => c.name === 'corrupted');
  assert.ok(corrupted && corrupted.frames > atStart.corrupted.frames, `decoded frames in /stats ${replay}`);
  assert.ok(corrupted.errors > atStart.corrupted.errors, `damage counted as errors in /stats ${replay}`);
});
