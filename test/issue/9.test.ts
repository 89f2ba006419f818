import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Engine } from '../../src/core/engine';

// Regressions found by the reliability suite's fuzzer (issue 9).
let engine: Engine;

before(async () => {
  engine = new Engine(
    {
      cameras: [{ name: 'a', url: 'demo:color?c=red&size=160x90&rate=25' }],
      output: { width: 320, height: 180 },
    },
    { port: 0, host: '127.0.0.1', logSink: () => undefined },
  );
  await engine.start();
});

after(async () => {
  await engine?.close();
});

test('a request target starting with // is a path, not a host: 404, never a 500 or the page', async () => {
  for (const path of ['//', '//stats', '//snapshot.jpg']) {
    const response = await fetch(`${engine.url}${path}`);
    await response.arrayBuffer();
    assert.equal(response.status, 404, path);
  }
});
