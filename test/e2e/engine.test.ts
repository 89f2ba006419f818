import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Engine } from '../../src/core/engine';
import { ConfigError } from '../../src/core/errors';
import { colourMosaicConfig, recordingSink } from '../helpers/colourMosaic';

const engines: Engine[] = [];
const logs: string[] = [];

function engine(port = 0): Engine {
  const created = new Engine(colourMosaicConfig(320, 180), {
    port,
    host: '127.0.0.1',
    logSink: recordingSink(logs),
  });
  engines.push(created);
  return created;
}

after(async () => {
  await Promise.all(engines.map((e) => e.close()));
});

test('an invalid config throws ConfigError naming the field', () => {
  assert.throws(
    () => new Engine({ cameras: [{ name: 'a', url: 'demo:testsrc' }], server: { maxViewers: 0 } }),
    (error: unknown) =>
      error instanceof ConfigError && error.issues.some((i) => i.field === 'server.maxViewers'),
  );
});

test('close() is idempotent, also before start(); start() after close() rejects', async () => {
  const never = engine();
  await Promise.all([never.close(), never.close()]);
  await assert.rejects(never.start(), /closed/);
  const started = engine();
  await started.start();
  assert.ok(started.port > 0);
  assert.equal((await fetch(`${started.url}/stats`)).status, 200);
  let closes = 0;
  started.on('close', () => closes++);
  await Promise.all([started.close(), started.close()]);
  await started.close();
  assert.equal(closes, 1);
  assert.equal(started.stitcher.running, false);
  await assert.rejects(fetch(`${started.url}/stats`));
});

test('a taken port fails start() and leaves the cameras stopped', async () => {
  const first = engine();
  await first.start();
  const second = engine(first.port);
  await assert.rejects(second.start(), /EADDRINUSE/);
  assert.equal(second.stitcher.running, false);
  await first.close();
});
