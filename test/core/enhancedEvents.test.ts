import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EnhancedEventEmitter } from '../../src/core/enhancedEvents.js';

type Events = { tick: [number] };

class Ticker extends EnhancedEventEmitter<Events> {
  tick(n: number): boolean {
    return this.safeEmit('tick', n);
  }
}

test('a once() listener hears one emit and is then gone', () => {
  const ticker = new Ticker();
  const heard: number[] = [];
  ticker.once('tick', (n) => heard.push(n));
  ticker.tick(1);
  ticker.tick(2);
  assert.deepEqual(heard, [1]);
  assert.equal(ticker.listenerCount('tick'), 0);
});

test('a throwing once() listener is still removed, and the others still hear the emit', () => {
  const ticker = new Ticker();
  const heard: number[] = [];
  const warnings: string[] = [];
  const onWarning = (w: Error): void => void warnings.push(w.message);
  process.on('warning', onWarning);
  try {
    ticker.once('tick', () => {
      throw new Error('boom');
    });
    ticker.on('tick', (n) => heard.push(n));
    ticker.tick(1);
    ticker.tick(2);
  } finally {
    process.off('warning', onWarning);
  }
  assert.deepEqual(heard, [1, 2]);
  assert.equal(ticker.listenerCount('tick'), 1);
});
