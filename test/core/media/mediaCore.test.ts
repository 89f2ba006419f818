import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { configSecrets } from '../../../src/core/config/redactIssues';
import { Engine } from '../../../src/core/engine';
import { ConfigError, InvalidStateError } from '../../../src/core/errors';
import { MediaCore } from '../../../src/core/media/mediaCore';
import { Stitcher } from '../../../src/core/stitcher/stitcher';
import { recordingSink } from '../../helpers/colourMosaic';
import { waitFor } from '../../helpers/wait';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const validation = require('../../../src/core/config/validateConfig') as {
  validateConfig: (document: unknown) => unknown;
};

const cores: (MediaCore | Engine)[] = [];
after(async () => {
  await Promise.all(cores.map((core) => core.close()));
});

/** How often `run` validates a whole config document. */
function validations(run: () => void): number {
  const original = validation.validateConfig;
  let calls = 0;
  validation.validateConfig = (document) => {
    calls++;
    return original(document);
  };
  try {
    run();
  } finally {
    validation.validateConfig = original;
  }
  return calls;
}

const demo = (colour: string) => `demo:color?c=${colour}&size=160x90&rate=10`;
const output = { width: 320, height: 180, fps: 10, bitrate: 200_000 };

function twoMosaics(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    cameras: [
      { name: 'red', url: demo('red') },
      { name: 'blue', url: demo('blue') },
    ],
    mosaics: [
      { name: 'a', output },
      { name: 'b', output, layout: { preset: 'focus', camera: 'blue' } },
    ],
    ...extra,
  };
}

test('a document is validated once on its way to the native side; a config it validated is not judged again', () => {
  let core: MediaCore | undefined;
  assert.equal(
    validations(() => (core = new MediaCore(twoMosaics()))),
    1,
  );
  assert.ok(core);
  assert.ok(Object.isFrozen(core.config) && Object.isFrozen(core.config.cameras[0]), 'frozen once valid');
  let again: MediaCore | undefined;
  assert.equal(
    validations(() => (again = new MediaCore(core?.config))),
    0,
  );
  assert.equal(again?.config, core.config);
  assert.equal(
    validations(() => new Stitcher(core?.config, { mosaic: 'b' })),
    0,
  );
  assert.equal(
    validations(() => cores.push(new Engine(twoMosaics(), { port: 0, host: '127.0.0.1' }))),
    1,
    'the HTTP layer, the hub and both stitchers share the one validation',
  );
});

test('an invalid document is a ConfigError naming each field', () => {
  const bad = { cameras: [{ name: 'a', url: 'http://x' }], output: { width: 641 } };
  assert.throws(
    () => new MediaCore(bad),
    (error: unknown) =>
      error instanceof ConfigError &&
      error.issues.some((i) => i.field === 'cameras[0].url') &&
      error.issues.some((i) => i.field === 'output.width'),
  );
  assert.throws(() => new MediaCore(twoMosaics()).mosaic('c'), /no mosaic named "c" \(known: a, b\)/);
});

test('its secrets are collected once: camera url and subUrl, publish URL, token and extra ones, masked in every logger', () => {
  const planted = {
    url: 'url-pw-3f9a1c',
    subUrl: 'sub-pw-8e2d47',
    publish: 'pub-pw-5b7c90',
    token: 'tok-61d2e8a4f0',
    extra: 'stored-pw-0c4b2e',
  };
  const lines: string[] = [];
  const core = new MediaCore(
    {
      cameras: [
        {
          name: 'door',
          url: `rtsp://viewer:${planted.url}@127.0.0.1:9/main`,
          subUrl: `rtsp://viewer:${planted.subUrl}@127.0.0.1:9/sub`,
        },
      ],
      outputs: [{ type: 'rtsp', url: `rtsp://pub:${planted.publish}@127.0.0.1:9/mosaic` }],
      server: { token: planted.token },
    },
    { logSink: recordingSink(lines), secrets: [planted.extra, ''] },
  );
  for (const secret of Object.values(planted)) assert.ok(core.secrets.includes(secret), secret);
  const everything = Object.values(planted).join(' and ');
  core.logger('face').warn(`a line with ${everything}`);
  assert.equal(lines.length, 1);
  for (const secret of Object.values(planted)) assert.ok(!lines[0].includes(secret), lines[0]);
  assert.match(lines[0], /^warn \[face\] a line with \*\*\* and \*\*\*/);
  assert.equal(core.hub.secrets, core.secrets, 'the hub masks the same list');
  assert.deepEqual(configSecrets({ server: { rtsp: { username: 'nvr', password: 'rtsp-pw-4e' } } }), [
    'rtsp-pw-4e',
  ]);
  const stats = JSON.stringify(core.mosaic('default').stats());
  for (const secret of Object.values(planted)) assert.ok(!stats.includes(secret), stats);
});

test('start, stop, restart and close: one at a time, start and stop announced once each, no start after close', async () => {
  const core = new MediaCore(twoMosaics(), { logSink: recordingSink([]) });
  cores.push(core);
  const events: string[] = [];
  core.on('start', () => events.push('start'));
  core.on('stop', () => events.push('stop'));
  await Promise.all([core.start(), core.start()]);
  assert.equal(core.running, true);
  assert.deepEqual(
    [...core.mosaics.values()].map((s) => s.running),
    [true, true],
  );
  await core.start(); // already running: nothing to do, nothing announced
  await core.restart();
  assert.equal(core.running, true);
  await waitFor('frames after the restart', () => core.mosaic('b').stats().output.frames >= 2, 5000, 20);
  await Promise.all([core.stop(), core.stop()]);
  assert.equal(core.hub.running, false);
  assert.deepEqual(events, ['start', 'stop', 'start', 'stop']);
  await Promise.all([core.close(), core.close()]);
  await assert.rejects(core.start(), InvalidStateError);
  assert.deepEqual(events, ['start', 'stop', 'start', 'stop']);
});
