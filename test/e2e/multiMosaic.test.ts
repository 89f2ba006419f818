import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Engine } from '../../src/core/engine';
import { ConfigError } from '../../src/core/errors';
import type { TileStateEvent } from '../../src/core/stitcher/stitcher';
import { startCameras, type RtspCamera } from '../fixtures/rtspCamera';
import { assertTileColour, decodeH264, decodeJpeg, type PixelRect, type RgbFrame } from '../fixtures/pixels';
import { colourMosaicConfig, recordingSink } from '../helpers/colourMosaic';
import { sleep, waitFor } from '../helpers/wait';
import { WhepClient } from '../helpers/whepClient';

// Issue 11, part 1: several mosaics over the same cameras, each camera pulled and decoded once.
// Four real GStreamer RTSP cameras feed `wall` (a 2x2 grid at 1280x720) and `lobby` (one camera
// at 640x360) in one engine; each mosaic plays, snapshots and re-lays out on its own.
const colours = { red: 'ff0000', lime: '00ff00', blue: '0000ff', yellow: 'ffff00' } as const;
type Name = keyof typeof colours;
const names = Object.keys(colours) as Name[];

const wall = {
  name: 'wall',
  output: { width: 1280, height: 720, fps: 25, bitrate: 2_000_000, gop: 50 },
  layout: { preset: 'grid', cameras: names, rows: 2, columns: 2 },
};
const lobby = {
  name: 'lobby',
  output: { width: 640, height: 360, fps: 25, bitrate: 800_000, gop: 50 },
  layout: { preset: 'focus', camera: 'blue' },
};

const logs: string[] = [];
const tileStates: TileStateEvent[] = [];
const viewerJoins: string[] = [];
const layoutEvents: string[] = [];
const clients: WhepClient[] = [];
const children = new Set<ChildProcess>();
const directory = mkdtempSync(join(tmpdir(), 'multi-mosaic-'));
let cameras: RtspCamera[] = [];
let engine: Engine;

function config(mosaics: object[]): object {
  return { cameras: names.map((name, i) => ({ name, url: cameras[i].url })), mosaics };
}

before(async () => {
  cameras = await startCameras(names.map((name) => ({ colour: colours[name] })));
  engine = new Engine(config([wall, lobby]), { port: 0, host: '127.0.0.1', logSink: recordingSink(logs) });
  engine.on('tilestate', (event) => tileStates.push(event));
  engine.on('viewerjoin', (_viewer, mosaic) => viewerJoins.push(mosaic));
  engine.on('layout', (mosaic) => layoutEvents.push(mosaic));
  await engine.start();
  await waitFor('all cameras live', () => engine.stats().cameras.every((c) => c.state === 'live'), 15_000);
  await waitFor(
    'both mosaics encoding',
    () => Object.values(engine.stats().mosaics).every((m) => m.total_frames >= 10),
    10_000,
  );
});

after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  for (const child of children) child.kill('SIGKILL');
  await engine?.close();
  await Promise.all(cameras.map((camera) => camera.stop()));
  rmSync(directory, { recursive: true, force: true });
});

async function connect(path: string): Promise<WhepClient> {
  const client = await WhepClient.connect(`${engine.url}${path}`);
  clients.push(client);
  return client;
}

async function lastFrame(client: WhepClient): Promise<RgbFrame> {
  const frames = await decodeH264(client.annexB());
  const frame = frames.at(-1);
  assert.ok(frame, 'decoded at least one frame');
  return frame;
}

async function snapshot(path: string): Promise<RgbFrame> {
  const response = await fetch(`${engine.url}${path}`);
  assert.equal(response.status, 200, path);
  return decodeJpeg(Buffer.from(await response.arrayBuffer()));
}

async function json<T>(path: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const response = await fetch(`${engine.url}${path}`, init);
  return { status: response.status, body: (await response.json()) as T };
}

function quadrants(frame: RgbFrame): Record<Name, PixelRect> {
  const width = frame.width / 2;
  const height = frame.height / 2;
  return {
    red: { x: 0, y: 0, width, height },
    lime: { x: width, y: 0, width, height },
    blue: { x: 0, y: height, width, height },
    yellow: { x: width, y: height, width, height },
  };
}

function assertGrid(frame: RgbFrame, size: string): void {
  assert.equal(`${frame.width}x${frame.height}`, size);
  const rects = quadrants(frame);
  for (const name of names) assertTileColour(frame, rects[name], colours[name], 40, name);
}

function assertWhole(frame: RgbFrame, size: string, colour: Name): void {
  assert.equal(`${frame.width}x${frame.height}`, size);
  const whole = { x: 0, y: 0, width: frame.width, height: frame.height };
  assertTileColour(frame, whole, colours[colour], 40, colour);
}

test('two mosaics play at once to two viewers, each its own size and layout', async () => {
  const [onWall, onLobby] = await Promise.all([
    connect('/mosaics/wall/whep'),
    connect('/mosaics/lobby/whep'),
  ]);
  assert.match(onWall.sessionUrl, /\/mosaics\/wall\/whep\/[0-9a-f-]{36}$/);
  assert.match(onLobby.sessionUrl, /\/mosaics\/lobby\/whep\/[0-9a-f-]{36}$/);
  await waitFor(
    '25 access units each',
    () => onWall.units.length >= 25 && onLobby.units.length >= 25,
    10_000,
  );
  assert.ok(onWall.units[0].keyframe && onLobby.units[0].keyframe, 'each starts on a keyframe');
  assertGrid(await lastFrame(onWall), '1280x720');
  assertWhole(await lastFrame(onLobby), '640x360', 'blue');
  const stats = engine.stats();
  assert.equal(stats.mosaics.wall.clients, 1);
  assert.equal(stats.mosaics.lobby.clients, 1);
  assert.deepEqual([...viewerJoins].sort(), ['lobby', 'wall']);
  await Promise.all([onWall.close(), onLobby.close()]);
  await waitFor(
    'no viewers',
    () => Object.values(engine.stats().mosaics).every((m) => m.clients === 0),
    3000,
  );
});

test("each mosaic's snapshot.jpg shows its own layout", async () => {
  assertGrid(await snapshot('/mosaics/wall/snapshot.jpg'), '1280x720');
  assertWhole(await snapshot('/mosaics/lobby/snapshot.jpg'), '640x360', 'blue');
});

test('/stats: one source per camera, frames advancing; each mosaic its own document', async () => {
  interface Doc {
    mosaic: string;
    resolution: string;
    tiles: { camera: string }[];
    cameras: { name: string; frames: number; streams: { stream: string; frames: number }[] }[];
    mosaics: Record<string, { mosaic: string; resolution: string; tiles: unknown[] }>;
  }
  const first = (await json<Doc>('/stats')).body;
  await sleep(1000);
  const { status, body: second } = await json<Doc>('/stats');
  assert.equal(status, 200);
  assert.equal(second.mosaic, 'wall', 'the top level is the first mosaic, as before');
  assert.equal(second.resolution, '1280x720');
  assert.deepEqual(Object.keys(second.mosaics), ['wall', 'lobby']);
  assert.equal(second.mosaics.lobby.resolution, '640x360');
  assert.equal(second.mosaics.lobby.tiles.length, 1);
  assert.deepEqual(
    second.cameras.map((c) => c.name),
    names,
  );
  for (const camera of second.cameras) {
    assert.equal(camera.streams.length, 1, `${camera.name}: one source for both mosaics`);
    assert.equal(camera.streams[0].stream, 'main');
    const before = first.cameras.find((c) => c.name === camera.name)?.streams[0]?.frames ?? 0;
    assert.ok(
      camera.streams[0].frames > before + 10,
      `${camera.name}: ${before} → ${camera.streams[0].frames}`,
    );
  }
  assert.equal(engine.hub.streams().length, names.length, 'the native pool holds one source per camera');
  const lobbyOnly = (await json<Doc>('/mosaics/lobby/stats')).body;
  assert.equal(lobbyOnly.mosaic, 'lobby');
  assert.equal(lobbyOnly.resolution, '640x360');
  assert.ok(!('mosaics' in lobbyOnly));
  // One tilestate per camera change, not one per mosaic showing the camera.
  for (const name of names) {
    const own = tileStates.filter((e) => e.camera === name).map((e) => e.state);
    assert.ok(
      own.every((state, i) => i === 0 || state !== own[i - 1]),
      `${name}: ${own.join(' → ')}`,
    );
  }
});

test('PUT /mosaics/lobby/layout changes only the lobby', async () => {
  const onLobby = await connect('/mosaics/lobby/whep');
  await waitFor('the lobby viewer playing', () => onLobby.units.length >= 5, 10_000);
  const wallTilesBefore = (await json<{ tiles: unknown[] }>('/mosaics/wall/layout')).body.tiles;
  const put = await json<{ tiles: { camera: string }[] }>('/mosaics/lobby/layout', {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ preset: 'focus', camera: 'red' }),
  });
  assert.equal(put.status, 200);
  assert.deepEqual(
    put.body.tiles.map((t) => t.camera),
    ['red'],
  );
  assert.deepEqual(layoutEvents, ['lobby']);
  assert.deepEqual((await json<{ tiles: unknown[] }>('/mosaics/wall/layout')).body.tiles, wallTilesBefore);
  assert.deepEqual((await json<{ tiles: unknown[] }>('/api/layout')).body.tiles, wallTilesBefore);
  assert.deepEqual(
    engine.mosaic('lobby').tiles.map((t) => t.camera),
    ['red'],
  );
  const count = onLobby.units.length;
  await waitFor('25 more frames at the lobby viewer', () => onLobby.units.length >= count + 25, 8000);
  assertWhole(await lastFrame(onLobby), '640x360', 'red');
  assertWhole(await snapshot('/mosaics/lobby/snapshot.jpg'), '640x360', 'red');
  assertGrid(await snapshot('/mosaics/wall/snapshot.jpg'), '1280x720');
  await onLobby.close();
});

test('each mosaic has its page; an unknown mosaic is a 404 naming it', async () => {
  const bare = await fetch(`${engine.url}/mosaics/lobby?x=1`, { redirect: 'manual' });
  assert.equal(bare.status, 301);
  assert.equal(bare.headers.get('location'), '/mosaics/lobby/?x=1');
  const page = await fetch(`${engine.url}/mosaics/lobby/`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<video/);
  assert.equal((await fetch(`${engine.url}/mosaics/lobby/player.js`)).status, 200);
  for (const [method, path] of [
    ['GET', '/mosaics/nope/'],
    ['GET', '/mosaics/nope'],
    ['GET', '/mosaics/nope/stats'],
    ['POST', '/mosaics/nope/whep'],
    ['PUT', '/mosaics/nope/layout'],
  ]) {
    const { status, body } = await json<{ error: string }>(path, { method });
    assert.equal(status, 404, `${method} ${path}`);
    assert.match(body.error, /no mosaic named "nope"/);
  }
  assert.equal((await fetch(`${engine.url}/mosaics/wallpaper/stats`)).status, 404, 'a name is matched whole');
  assert.equal(engine.mosaic(), engine.stitcher);
  assert.equal(engine.mosaic('lobby'), engine.mosaics.get('lobby'));
  assert.deepEqual([...engine.mosaics.keys()], ['wall', 'lobby']);
  assert.throws(
    () => engine.mosaic('nope'),
    (error: unknown) =>
      error instanceof ConfigError &&
      error.issues[0].field === 'mosaic' &&
      error.issues[0].reason === 'no mosaic named "nope" (known: wall, lobby)',
  );
});

test('the single-mosaic routes still serve the first mosaic', async () => {
  assert.equal((await fetch(`${engine.url}/`)).status, 200);
  const client = await connect('/whep');
  assert.match(client.sessionUrl, /\/whep\/[0-9a-f-]{36}$/);
  assert.doesNotMatch(client.sessionUrl, /mosaics/);
  await waitFor('10 access units', () => client.units.length >= 10, 10_000);
  assertGrid(await lastFrame(client), '1280x720');
  assertGrid(await snapshot('/snapshot.jpg'), '1280x720');
  assert.equal(engine.stats().mosaics.wall.clients, 1, 'a /whep viewer watches the first mosaic');
  await client.close();
});

test('the token: each mosaic page is public, its API is not; a failed start stops everything', async () => {
  const token = 'mosaic token';
  const base = colourMosaicConfig(160, 90);
  const guarded = new Engine(
    {
      cameras: base.cameras,
      mosaics: [
        { name: 'a', output: base.output, layout: base.layout },
        { name: 'b', output: { ...base.output, width: 320, height: 180 } },
      ],
      server: { token },
    },
    { port: 0, host: '127.0.0.1', logSink: recordingSink(logs) },
  );
  try {
    await guarded.start();
    assert.equal((await fetch(`${guarded.url}/mosaics/b/`)).status, 200);
    assert.equal((await fetch(`${guarded.url}/mosaics/b/whepPlayer.js`)).status, 200);
    for (const path of ['/mosaics/b/stats', '/mosaics/b/snapshot.jpg', '/mosaics/b/layout']) {
      assert.equal((await fetch(`${guarded.url}${path}`)).status, 401, path);
    }
    const authorised = await fetch(`${guarded.url}/mosaics/b/stats`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    assert.equal(authorised.status, 200);
    assert.equal(((await authorised.json()) as { resolution: string }).resolution, '320x180');
    // A failed start (the port is taken) stops every mosaic and the cameras again.
    const clash = new Engine(
      { cameras: base.cameras, mosaics: [{ name: 'a' }, { name: 'b' }] },
      { port: guarded.port, host: '127.0.0.1', logSink: recordingSink(logs) },
    );
    await assert.rejects(clash.start(), /EADDRINUSE/);
    assert.equal(clash.hub.running, false);
    assert.ok([...clash.mosaics.values()].every((m) => !m.running));
    await clash.close();
  } finally {
    await guarded.close();
  }
});

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command (which may hold spaces): utime is the 14th, stime the 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks();
}

let ticks = 0;
function clockTicks(): number {
  ticks ||= Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  return ticks;
}

/** Starts the CLI on `mosaics` over the cameras; resolves once it serves with every camera live. */
async function startCli(file: string, mosaics: object[]): Promise<ChildProcess> {
  const path = join(directory, file);
  writeFileSync(path, JSON.stringify(config(mosaics)));
  const cli = join(__dirname, '..', '..', 'src', 'core', 'cli.js');
  const env = { ...process.env, CAMERA_MOSAIC_LOG: 'info' };
  const child = spawn(process.execPath, [cli, '--config', path, '--port', '0', '--host', '127.0.0.1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await waitFor(
    'the serving line',
    () => /serving the mosaic at (http:\/\/\S+)/.exec(output)?.[1],
    15_000,
  );
  await waitFor(
    'every camera live',
    async () => {
      const stats = (await (await fetch(`${url}/stats`)).json()) as { cameras: { state: string }[] };
      return stats.cameras.every((c) => c.state === 'live');
    },
    15_000,
    250,
  );
  return child;
}

async function stopCli(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** CPU seconds per second each process used over `ms`, after a warm-up. */
async function cpuLoad(processes: ChildProcess[], ms: number): Promise<number[]> {
  await sleep(2000);
  const before = processes.map((p) => cpuSeconds(p.pid ?? 0));
  await sleep(ms);
  return processes.map((p, i) => (cpuSeconds(p.pid ?? 0) - before[i]) / (ms / 1000));
}

test('CPU: one process serving both mosaics vs two processes each serving one (printed)', async (t) => {
  // Only the measured processes should pull the cameras now, and what they pull should cost what
  // a camera costs to decode: moving pictures at 720p, not solid colours.
  await Promise.all(clients.map((c) => c.close()));
  await engine.close();
  await Promise.all(
    cameras.map((camera) => camera.restartWith({ pattern: 'ball', width: 1280, height: 720 })),
  );
  const both = await startCli('both.json', [wall, lobby]);
  const [shared] = await cpuLoad([both], 10_000);
  await stopCli(both);
  const apart = [await startCli('wall.json', [wall]), await startCli('lobby.json', [lobby])];
  const separate = await cpuLoad(apart, 10_000);
  await Promise.all(apart.map(stopCli));
  const separateTotal = separate[0] + separate[1];
  t.diagnostic(
    `CPU over 10 s, 4 cameras 1280x720 ball (cores): one process serving wall+lobby ${shared.toFixed(3)}; ` +
      `two processes wall ${separate[0].toFixed(3)} + lobby ${separate[1].toFixed(3)} = ${separateTotal.toFixed(3)} ` +
      `(${((1 - shared / separateTotal) * 100).toFixed(0)}% less in one process)`,
  );
});
