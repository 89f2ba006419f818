import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Engine } from '../../../src/core/engine';
import { ConfigError } from '../../../src/core/errors';
import { defaultFontPath } from '../../../src/core/stitcher/defaultFont';
import { freePort } from '../../fixtures/rtspCamera';
import { recordingSink } from '../../helpers/colourMosaic';
import {
  assertNoCameraPulled as assertMediaStopped,
  smallOutput,
  twoMosaics,
} from '../../helpers/failedStart';
import { mediaThreads, SilentCamera } from '../../helpers/silentCamera';
import { waitFor } from '../../helpers/wait';

// The HTTP layer's face of a failed start (what the CLI and Node-RED run): a port in use or a
// missing font leaves no camera pulled, and the same Engine starts once the cause is gone.
let camera: SilentCamera;
const folder = mkdtempSync(join(tmpdir(), 'camera-mosaic-engine-start-'));
const engines: Engine[] = [];
const logs: string[] = [];

before(async () => {
  camera = await SilentCamera.start();
});

after(async () => {
  await Promise.all(engines.map((engine) => engine.close()));
  await camera.close();
  rmSync(folder, { recursive: true, force: true });
});

function engine(document: Record<string, unknown>, port: number, lines = logs): Engine {
  const made = new Engine(document, { port, host: '127.0.0.1', logSink: recordingSink(lines) });
  engines.push(made);
  return made;
}

async function assertNoCameraPulled(failed: Engine): Promise<void> {
  await assertMediaStopped(failed.media, camera);
  assert.equal(failed.port, 0, 'the server does not listen');
}

test('a port in use fails start() with no camera pulled; the same Engine starts once the port is free', async () => {
  const blocker: Server = createServer();
  const port = await freePort();
  await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
  const failed = engine(twoMosaics(camera), port);
  await assert.rejects(failed.start(), /EADDRINUSE/);
  await assertNoCameraPulled(failed);
  await new Promise((resolve) => blocker.close(resolve));
  await failed.start();
  assert.equal(failed.port, port);
  assert.equal((await fetch(`${failed.url}/mosaics/b/stats`)).status, 200);
  await waitFor('the camera pulled', () => camera.connections > 0, 5000);
  await failed.close();
  assert.deepEqual(mediaThreads(), []);
});

test('a font missing on the second mosaic fails start() with no camera pulled and no port taken; it starts once the font is there', async () => {
  const font = join(folder, 'later.ttf');
  const port = await freePort();
  const failed = engine(twoMosaics(camera, font), port);
  await assert.rejects(
    failed.start(),
    (error: unknown) => error instanceof ConfigError && /mosaics\[1\]\.labels\.font/.test(error.message),
  );
  await assertNoCameraPulled(failed);
  await assert.rejects(fetch(`http://127.0.0.1:${port}/stats`), 'the server does not listen');
  copyFileSync(defaultFontPath() ?? '', font);
  await failed.start();
  assert.equal((await fetch(`${failed.url}/stats`)).status, 200);
  await failed.close();
  assert.deepEqual(mediaThreads(), []);
});

test("camera url and subUrl, publish URL and token passwords never show in the Engine's logs or /stats", async () => {
  const planted = {
    url: 'eng-url-pw-19c3',
    subUrl: 'eng-sub-pw-7d21',
    publish: 'eng-pub-pw-4a8e',
    token: 'eng-tok-0f6b92c1',
  };
  const lines: string[] = [];
  const closed = await freePort();
  const served = engine(
    {
      cameras: [
        {
          name: 'door',
          url: `rtsp://viewer:${planted.url}@127.0.0.1:${closed}/main`,
          subUrl: `rtsp://viewer:${planted.subUrl}@127.0.0.1:${closed}/sub`,
        },
        { name: 'demo', url: 'demo:color?c=red&size=160x90&rate=10' },
      ],
      output: smallOutput,
      outputs: [{ type: 'rtsp', url: `rtsp://pub:${planted.publish}@127.0.0.1:${closed}/mosaic` }],
      server: { token: planted.token },
    },
    0,
    lines,
  );
  assert.ok(Object.values(planted).every((secret) => served.media.secrets.includes(secret)));
  await served.start();
  const stats = async (): Promise<string> =>
    (await fetch(`${served.url}/stats`, { headers: { Authorization: `Bearer ${planted.token}` } })).text();
  await waitFor(
    'the camera and the output offline',
    async () =>
      /"state":"offline".*"lastError":"[^"]+"/.test(await stats()) && lines.some((l) => /output1/.test(l)),
    15000,
  );
  served.media.logger('probe').warn(`every secret: ${Object.values(planted).join(' ')}`);
  const seen = [...lines, await stats(), JSON.stringify(served.stats())].join('\n');
  for (const [what, secret] of Object.entries(planted)) {
    assert.ok(!seen.includes(secret), `the ${what} password leaked:\n${seen}`);
  }
  assert.match(seen, /viewer:\*\*\*@127\.0\.0\.1/, 'camera URLs show, masked');
});
