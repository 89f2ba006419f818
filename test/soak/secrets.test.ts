import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { freePort, startCameras, type RtspCamera } from '../fixtures/rtspCamera';
import { sleep, waitFor } from '../helpers/wait';

// Secrets never show: unique passwords planted in every camera and output URL and a unique token,
// the CLI at its most verbose log level, every HTTP route, a camera answering 401 — and none of
// the planted strings appears anywhere. Without the token every route but the page answers 401.
const planted = {
  camera: 'cam-pw-4b9e2f71',
  wrong: 'wrong-pw-83c1d0aa',
  output: 'pub-pw-5fd2e9c3',
  token: 'tok-1e7c4a99f0',
};
let cameras: RtspCamera[] = [];
let port = 0;
let captured = '';
let cli: ReturnType<typeof spawn> | undefined;

before(async () => {
  cameras = await startCameras([
    { colour: 'ff0000', user: 'viewer', password: planted.camera },
    { colour: '0000ff', user: 'viewer', password: planted.camera },
  ]);
  port = await freePort();
  const config = {
    cameras: [
      { name: 'good', url: cameras[0].url },
      { name: 'refused', url: cameras[1].url.replace(planted.camera, planted.wrong) },
      { name: 'nowhere', url: `rtsp://admin:${planted.camera}@127.0.0.1:${await freePort()}/x` },
    ],
    output: { width: 320, height: 180, fps: 25, bitrate: 300000, gop: 25 },
    server: { host: '127.0.0.1', port, token: planted.token },
    outputs: [{ type: 'rtsp', url: `rtsp://pub:${planted.output}@127.0.0.1:${await freePort()}/mosaic` }],
  };
  const configPath = join(tmpdir(), `camera-mosaic-secrets-${process.pid}.json`);
  writeFileSync(configPath, JSON.stringify(config));
  cli = spawn(
    process.execPath,
    [join(__dirname, '..', '..', 'src', 'core', 'cli.js'), '--config', configPath],
    {
      env: { ...process.env, CAMERA_MOSAIC_LOG: 'debug' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  cli.stdout?.on('data', (chunk: Buffer) => (captured += chunk.toString()));
  cli.stderr?.on('data', (chunk: Buffer) => (captured += chunk.toString()));
});

after(async () => {
  if (cli && cli.exitCode === null) {
    cli.kill('SIGKILL');
    await new Promise((resolve) => cli?.once('exit', resolve));
  }
  await Promise.all(cameras.map((c) => c.stop()));
});

async function get(path: string, token?: string): Promise<{ status: number; body: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });
  return { status: response.status, body: Buffer.from(await response.arrayBuffer()).toString('latin1') };
}

test('no planted password or token appears in logs, stats, metrics, errors or the page; the token guards the API', async () => {
  await waitFor(
    'the server',
    async () => (await get('/stats', planted.token).catch(() => ({ status: 0 }))).status === 200,
    15000,
  );
  await waitFor(
    'the wrong password to be refused and the good camera live',
    async () => {
      const stats = JSON.parse((await get('/stats', planted.token)).body) as {
        cameras: { name: string; state: string; lastError: string }[];
      };
      const byName = new Map(stats.cameras.map((c) => [c.name, c]));
      return (
        byName.get('good')?.state === 'live' &&
        byName.get('refused')?.lastError !== '' &&
        byName.get('nowhere')?.lastError !== ''
      );
    },
    15000,
  );
  await sleep(1500); // a few per-second log lines and an output retry or two
  for (const path of ['/', '/player.js', '/whepPlayer.js', '/stats', '/metrics', '/api/layout', '/nope']) {
    captured += (await get(path, planted.token)).body;
  }
  // Without the token, or with a wrong one, every route but the page and its scripts is 401.
  for (const path of ['/stats', '/metrics', '/snapshot.jpg', '/api/layout']) {
    assert.equal((await get(path)).status, 401, path);
    assert.equal((await get(path, `${planted.token}x`)).status, 401, path);
  }
  for (const path of ['/', '/player.js']) assert.equal((await get(path)).status, 200, path);
  const refused = JSON.parse((await get('/stats', planted.token)).body) as {
    cameras: { name: string; lastError: string }[];
  };
  assert.match(refused.cameras.find((c) => c.name === 'refused')?.lastError ?? '', /401|unauthori[sz]ed/i);
  cli?.kill('SIGTERM');
  await new Promise((resolve) => cli?.once('exit', resolve));
  assert.ok(captured.includes('viewer:***@') || captured.includes('admin:***@'), 'URLs appear, masked');
  for (const [what, secret] of Object.entries(planted)) {
    assert.ok(!captured.includes(secret), `the ${what} secret leaked`);
  }
});
