import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect, createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { after, test } from 'node:test';
import type { CameraStats } from '../../src/core/stitcher/stitcherStats';
import { h264AccessUnit, HostileRtspServer } from '../fixtures/hostileRtspServer';
import { RtspCamera } from '../fixtures/rtspCamera';
import { waitFor } from '../helpers/wait';
import { CliRunner, type CliRun } from './18-cli';

// Issue 18, items 4 and 5: what a hostile camera could make the real CLI do. A redirect carried
// the camera's password to another host as Basic auth; an rtsps:// impostor got it as Basic over
// an unchecked certificate; an 8192x8192 camera took 1.3 GiB; a DESCRIBE announcing a gigabyte
// took one on every reconnect; a VP8 camera got a VP8 decoder.
const runner = new CliRunner();
const tlsServers: TlsServer[] = [];
const servers: HostileRtspServer[] = [];
const cameras: RtspCamera[] = [];
const user = 'admin';
const password = 'Camera-Pa55-18';
const credentials = { user, password };

after(async () => {
  runner.close();
  await Promise.all(servers.map((s) => s.stop()));
  await Promise.all(cameras.map((c) => c.stop()));
  for (const server of tlsServers) server.close();
});

async function hostile(
  options: ConstructorParameters<typeof HostileRtspServer>[0],
): Promise<HostileRtspServer> {
  const server = new HostileRtspServer(options);
  await server.start();
  servers.push(server);
  return server;
}

/** The CLI with a steady demo camera and `list`, every camera in the grid. */
function startCli(list: Record<string, unknown>[]): CliRun {
  const all = [{ name: 'steady', url: 'demo:color?c=white&size=320x180&rate=25' }, ...list];
  return runner.start({
    cameras: all,
    output: { width: 640, height: 360, fps: 25, bitrate: 1_000_000, gop: 50 },
    layout: { preset: 'grid', cameras: all.map((c) => c.name), rows: 2, columns: 3 },
  });
}

async function cameraStats(run: CliRun, name: string): Promise<CameraStats> {
  const body = (await (await fetch(`${await run.url()}/stats`)).json()) as { cameras: CameraStats[] };
  const found = body.cameras.find((c) => c.name === name);
  assert.ok(found, `camera ${name} in /stats`);
  return found;
}

async function reasonOf(run: CliRun, name: string, pattern: RegExp, timeoutMs = 15_000): Promise<string> {
  let last = '';
  try {
    return await waitFor(
      `camera ${name}: ${pattern}`,
      async () => {
        last = (await cameraStats(run, name)).lastError;
        return pattern.test(last) ? last : undefined;
      },
      timeoutMs,
      200,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; its last reason: "${last}"`);
  }
}

/** Peak resident memory of the CLI process so far, MiB (VmHWM). */
function peakRssMiB(run: CliRun): number {
  const status = readFileSync(`/proc/${run.child.pid}/status`, 'utf8');
  const line = status.split('\n').find((l) => l.startsWith('VmHWM:'));
  return Number(line?.split(/\s+/)[1] ?? 0) / 1024;
}

const basicOf = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

test('a redirect to another host is refused, and the password never reaches that host', async () => {
  // The elsewhere host asks for Basic, as an attacker collecting passwords would.
  const elsewhere = await hostile({ auth: { user, password: 'whatever', schemes: ['Basic'] } });
  const redirector = await hostile({
    auth: { user, password, schemes: ['Basic'] },
    redirectTo: elsewhere.url(),
  });
  // followRedirects: the redirect is followed, but without the credentials.
  const elsewhere2 = await hostile({ auth: { user, password, schemes: ['Basic'] } });
  const follower = await hostile({
    auth: { user, password, schemes: ['Basic'] },
    redirectTo: elsewhere2.url(),
  });
  // A redirect within the camera (another path, same host and port) keeps them.
  const within = await hostile({
    auth: { user, password, schemes: ['Basic'] },
    stream: { codec: 'VP8' },
  });
  within.redirectTo(`${within.url()}/real`);
  const run = startCli([
    { name: 'redirector', url: redirector.url(credentials) },
    { name: 'follower', url: follower.url(credentials), followRedirects: true },
    { name: 'within', url: within.url(credentials) },
  ]);

  const reason = await reasonOf(run, 'redirector', /redirected to another host/);
  assert.equal(
    reason,
    `the camera redirected to another host (${elsewhere.url()}); not followed unless the camera's followRedirects is true`,
  );
  await waitFor(
    'a second attempt',
    () => redirector.requests.filter((r) => r.method === 'DESCRIBE').length >= 2,
    10_000,
  );
  assert.equal(elsewhere.connections, 0, 'FFmpeg never even connected to the other host');
  assert.equal(elsewhere.bytesReceived, 0);

  await reasonOf(run, 'follower', /401/);
  assert.ok(elsewhere2.requests.length > 0, 'followed');
  assert.deepEqual(
    elsewhere2.requests.filter((r) => r.authorization !== undefined),
    [],
    'no credentials to the host a redirect named',
  );
  assert.ok(
    follower.requests.some((r) => r.authorization === basicOf(user, password)),
    'the configured host got them',
  );

  // Within the camera: followed with the credentials, up to the stream (which is VP8).
  await reasonOf(run, 'within', /unsupported codec vp8/);
  assert.ok(
    within.requests.some((r) => r.url.endsWith('/cam/real') && r.authorization === basicOf(user, password)),
    JSON.stringify(within.requests),
  );
  assert.ok(!run.output().includes(password), 'the password is in no log line');
});

test('rtsps:// with Basic only: the password is not sent over an unverified certificate; Digest is preferred', async () => {
  const impostor = new RtspCamera({ tls: true, user, password, width: 160, height: 90 });
  cameras.push(impostor);
  await impostor.start();
  const both = await hostile({
    auth: { user, password, schemes: ['Basic', 'Digest'] },
    stream: { codec: 'VP8' },
  });
  const run = startCli([
    { name: 'impostor', url: impostor.url },
    { name: 'both', url: both.url(credentials) },
  ]);
  const reason = await reasonOf(run, 'impostor', /Basic/);
  assert.match(reason, /Basic authentication over rtsps:\/\/.*the password was not sent/);
  assert.notEqual((await cameraStats(run, 'impostor')).state, 'live');
  assert.ok(!reason.includes(password));

  // Offered Basic first and Digest second, FFmpeg answers with Digest (and reaches the stream).
  await reasonOf(run, 'both', /unsupported codec vp8/);
  const answered = both.requests.filter((r) => r.authorization !== undefined);
  assert.ok(answered.length > 0);
  assert.ok(
    answered.every((r) => r.authorization?.startsWith('Digest ')),
    JSON.stringify(answered),
  );
});

/** The SHA-256 fingerprint of the certificate a TLS server on 127.0.0.1:`port` presents. */
function presentedFingerprint(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      resolve(socket.getPeerCertificate().fingerprint256);
      socket.destroy();
    });
    socket.once('error', reject);
  });
}

/** A TLS impostor with a certificate of its own, counting connections and what it can read. */
async function tlsImpostor(): Promise<{ port: number; received: () => number; connections: () => number }> {
  const dir = mkdtempSync(join(tmpdir(), 'mosaic-impostor-'));
  const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert].concat([
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
    ]),
    { stdio: 'ignore', timeout: 30_000 },
  );
  let received = 0;
  let connections = 0;
  const server = createTlsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (socket) => {
    socket.on('data', (chunk: Buffer) => (received += chunk.length));
    socket.on('error', () => undefined);
  });
  server.on('connection', () => connections++);
  server.on('tlsClientError', () => undefined);
  tlsServers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { port, received: () => received, connections: () => connections };
}

test('tlsFingerprint: the pinned camera plays (Basic allowed over the checked certificate); an impostor gets nothing', async () => {
  const camera = new RtspCamera({ tls: true, user, password, width: 160, height: 90, colour: '00ff00' });
  cameras.push(camera);
  await camera.start();
  const pin = await presentedFingerprint(camera.port);
  const impostor = await tlsImpostor();
  const run = startCli([
    { name: 'pinned', url: camera.url, tlsFingerprint: pin },
    // The camera's URL and pin, but another server answers at that address.
    {
      name: 'impostor',
      url: `rtsps://${user}:${password}@127.0.0.1:${impostor.port}/cam`,
      tlsFingerprint: pin.replace(/:/g, '').toLowerCase(),
    },
  ]);
  await waitFor(
    'the pinned camera live',
    async () => (await cameraStats(run, 'pinned')).state === 'live',
    15_000,
  );
  const reason = await reasonOf(run, 'impostor', /certificate mismatch/);
  assert.match(reason, new RegExp(`but tlsFingerprint pins ${pin}; nothing was sent to it`));
  await waitFor('a second attempt', () => impostor.connections() >= 2, 10_000);
  assert.equal(impostor.received(), 0, 'not one byte of RTSP (let alone the password)');
  assert.ok(!run.output().includes(password));
});

test('a DESCRIBE answer announcing a gigabyte is refused before its body is read', async (t) => {
  const huge = await hostile({ describeBodyBytes: 1_000_000_000 });
  const run = startCli([{ name: 'huge', url: huge.url() }]);
  await run.url();
  const reason = await reasonOf(run, 'huge', /announced an RTSP answer/);
  assert.equal(
    reason,
    'the camera announced an RTSP answer of 1000000000 bytes (more than the 65536 accepted)',
  );
  await waitFor(
    'three attempts',
    () => huge.requests.filter((r) => r.method === 'DESCRIBE').length >= 3,
    10_000,
  );
  const peak = peakRssMiB(run);
  t.diagnostic(`peak RSS with a 1e9 Content-Length camera, 3 attempts: ${peak.toFixed(0)} MiB`);
  assert.ok(peak < 400, `peak RSS ${peak.toFixed(0)} MiB`);
  assert.equal((await cameraStats(run, 'steady')).state, 'live');
});

test('an 8192x8192 camera is refused with its size, without taking the memory', async (t) => {
  const big = await hostile({ stream: { codec: 'H264', accessUnit: h264AccessUnit(8192, 8192), fps: 5 } });
  const run = startCli([{ name: 'big', url: big.url() }]);
  const reason = await reasonOf(run, 'big', /picture too large/);
  assert.equal(
    reason,
    'picture too large: the camera sends 8192x8192, more than the 16777216 pixels (4096x4096) accepted',
  );
  await waitFor('three attempts', () => big.requests.filter((r) => r.method === 'PLAY').length >= 3, 10_000);
  const peak = peakRssMiB(run);
  t.diagnostic(`peak RSS with an 8192x8192 camera, 3 attempts: ${peak.toFixed(0)} MiB`);
  assert.ok(peak < 400, `peak RSS ${peak.toFixed(0)} MiB`);
  assert.notEqual((await cameraStats(run, 'big')).state, 'live');
});

test('a VP8 camera gets no decoder: "unsupported codec vp8"', async () => {
  const vp8 = await hostile({ stream: { codec: 'VP8' } });
  const run = startCli([{ name: 'vp8', url: vp8.url() }]);
  const reason = await reasonOf(run, 'vp8', /unsupported codec/, 10_000);
  assert.equal(reason, 'unsupported codec vp8: a camera must send H.264, H.265 or MJPEG');
  const stats = await cameraStats(run, 'vp8');
  assert.equal(stats.state, 'offline');
  assert.equal(stats.frames, 0);
});
