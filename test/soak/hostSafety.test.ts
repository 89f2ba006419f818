import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Engine } from '../../src/core/engine';
import type { LogLevel } from '../../src/core/logger';
import { waitFor } from '../helpers/wait';

// Host safety: a throwing listener (a user's flow, a plugin's handler) never breaks the mosaic or
// the host process; the error reaches the host's log.
test('throwing listeners are logged and the mosaic carries on', async () => {
  const logs: { level: LogLevel; message: string }[] = [];
  const engine = new Engine(
    {
      cameras: [
        { name: 'a', url: 'demo:color?c=red&size=160x90&rate=25' },
        { name: 'gone', url: 'rtsp://127.0.0.1:1/x' },
      ],
      output: { width: 320, height: 180 },
    },
    { port: 0, host: '127.0.0.1', logSink: (level, _scope, message) => logs.push({ level, message }) },
  );
  engine.stitcher.on('accessunit', () => {
    throw new Error('a listener that throws on every frame');
  });
  engine.on('tilestate', () => {
    throw new Error('a listener that throws on state changes');
  });
  try {
    await engine.start();
    const frames = () => engine.stitcher.stats().output.frames;
    await waitFor('frames despite the throwing listener', () => frames() > 25, 5000);
    await waitFor(
      'the errors in the log',
      () => logs.some((l) => l.level === 'error' && /throws on every frame/.test(l.message)),
      5000,
    );
    await waitFor(
      'the state listener error logged',
      () => logs.some((l) => /throws on state changes/.test(l.message)),
      5000,
    );
    const snapshot = await (await fetch(`${engine.url}/snapshot.jpg`)).arrayBuffer();
    assert.ok(snapshot.byteLength > 100, 'still serving');
  } finally {
    await engine.close();
  }
});
