import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format } from 'node:util';
import { after, before, test } from 'node:test';
import type { API, Logging, PlatformConfig } from 'homebridge';
import { HomebridgeAPI } from 'homebridge/lib/api';
import { defaultFontPath } from '../../src/core/stitcher/defaultFont';
import { CameraMosaicPlatform } from '../../src/homebridge/platform';
import { freePort } from '../fixtures/rtspCamera';
import { smallOutput, twoMosaics } from '../helpers/failedStart';
import { mediaThreads, SilentCamera } from '../helpers/silentCamera';
import { waitFor } from '../helpers/wait';

// The Homebridge platform over the media core, in this process with Homebridge's own API object
// (no bridge, no HAP server): a start that fails halfway logs why and leaves no camera pulled
// (the platform used to log only, with the cameras and the first mosaic left running until
// shutdown); a fixed config starts; no planted secret reaches the log.
let camera: SilentCamera;
const folder = mkdtempSync(join(tmpdir(), 'camera-mosaic-homebridge-start-'));

before(async () => {
  camera = await SilentCamera.start();
});

after(async () => {
  await camera.close();
  rmSync(folder, { recursive: true, force: true });
});

/** Homebridge's Logging, keeping each line as `level text`. */
function recordingLog(lines: string[]): Logging {
  const write =
    (level: string) =>
    (message: string, ...parameters: unknown[]): void => {
      lines.push(`${level} ${format(message, ...parameters)}`);
    };
  return Object.assign(write('info'), {
    prefix: 'Camera Mosaic',
    info: write('info'),
    success: write('success'),
    warn: write('warn'),
    error: write('error'),
    debug: write('debug'),
    log: (level: string, message: string, ...parameters: unknown[]) => write(level)(message, ...parameters),
  }) as Logging;
}

/** A platform on a fresh API, launched as Homebridge does after loading the cached accessories. */
function launch(block: Record<string, unknown>, lines: string[]): HomebridgeAPI {
  const api = new HomebridgeAPI();
  new CameraMosaicPlatform(
    recordingLog(lines),
    { platform: 'CameraMosaic', name: 'Mosaic', ...block } as PlatformConfig,
    api as unknown as API,
  );
  api.signalFinished();
  return api;
}

test('a start that fails halfway logs why and leaves no camera pulled; the fixed config starts and shuts down clean', async () => {
  const font = join(folder, 'font.ttf');
  const lines: string[] = [];
  launch(twoMosaics(camera, font), lines);
  const failure = await waitFor(
    'the failure in the log',
    () => lines.find((l) => l.startsWith('error') && l.includes('cannot start the mosaic')),
    15000,
  );
  assert.match(failure, /mosaics\[1\]\.labels\.font: .*cannot be opened \(ENOENT\)/);
  assert.match(failure, /every camera and mosaic is stopped again/);
  assert.ok(
    lines.some((l) => /\[stitcher:a\] started/.test(l)),
    'the first mosaic had started: the failure came halfway',
  );
  assert.deepEqual(mediaThreads(), [], 'no camera, clock or encoder thread is left');
  await waitFor('the camera to see its connection closed', () => camera.connections === 0, 5000);

  copyFileSync(defaultFontPath() ?? '', font);
  const fixed: string[] = [];
  const api = launch(twoMosaics(camera, font), fixed);
  await waitFor('both mosaics started', () => fixed.some((l) => /\[stitcher:b\] started/.test(l)), 15000);
  await waitFor('the camera pulled', () => camera.connections > 0, 5000);
  assert.ok(!fixed.some((l) => l.startsWith('error')), fixed.join('\n'));
  api.signalShutdown();
  await waitFor('every media thread gone after shutdown', () => mediaThreads().length === 0, 10000);
  await waitFor('the camera to see its connection closed', () => camera.connections === 0, 5000);
});

test('camera url and subUrl, publish URL and token passwords never show in the log', async () => {
  const planted = {
    url: 'hb-url-pw-6a0d',
    subUrl: 'hb-sub-pw-93c1',
    publish: 'hb-pub-pw-2f7e',
    token: 'hb-tok-5c18e0a2',
  };
  const closed = await freePort();
  const lines: string[] = [];
  const api = launch(
    {
      cameras: [
        {
          name: 'door',
          url: `rtsp://viewer:${planted.url}@127.0.0.1:${closed}/main`,
          subUrl: `rtsp://viewer:${planted.subUrl}@127.0.0.1:${closed}/sub`,
        },
      ],
      output: smallOutput,
      outputs: [{ type: 'rtsp', url: `rtsp://pub:${planted.publish}@127.0.0.1:${closed}/mosaic` }],
      server: { token: planted.token },
    },
    lines,
  );
  await waitFor(
    'the camera reported unreachable',
    () => lines.some((l) => /cannot be reached/.test(l)),
    15000,
  );
  await waitFor('the output offline', () => lines.some((l) => /output output1: offline/.test(l)), 15000);
  api.signalShutdown();
  await waitFor('every media thread gone after shutdown', () => mediaThreads().length === 0, 10000);
  const log = lines.join('\n');
  assert.match(log, /viewer:\*\*\*@127\.0\.0\.1/, 'the URL shows, masked');
  for (const [what, secret] of Object.entries(planted)) {
    assert.ok(!log.includes(secret), `the ${what} password leaked:\n${log}`);
  }
});
