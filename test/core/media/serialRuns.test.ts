import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SerialRuns } from '../../../src/core/media/serialRuns';

test('steps run one at a time in call order; the first begins at once', async () => {
  const runs = new SerialRuns<'start' | 'stop'>();
  const log: string[] = [];
  const step = (name: string) => async () => {
    log.push(`${name} begins`);
    await new Promise((resolve) => setTimeout(resolve, 5));
    log.push(`${name} ends`);
  };
  const first = runs.run('start', step('start'));
  assert.deepEqual(log, ['start begins'], 'begun before run() returned');
  const second = runs.run('stop', step('stop'));
  const third = runs.run('start', step('start again'));
  await Promise.all([first, second, third]);
  assert.deepEqual(log, [
    'start begins',
    'start ends',
    'stop begins',
    'stop ends',
    'start again begins',
    'start again ends',
  ]);
});

test('a call of the kind queued last joins it, also from inside the step; a failed step can be run again', async () => {
  const runs = new SerialRuns<'start' | 'stop'>();
  let starts = 0;
  let joined: Promise<void> | undefined;
  const failing = async () => {
    starts++;
    joined = runs.run('start', async () => assert.fail('joined, never run'));
    throw new Error('no encoder');
  };
  const first = runs.run('start', failing);
  assert.equal(joined, first);
  assert.equal(runs.run('start', failing), first);
  await assert.rejects(first, /no encoder/);
  assert.equal(starts, 1);
  // From the rejection handler on, the next start runs.
  await first.catch(() => runs.run('start', async () => void starts++));
  assert.equal(starts, 2);
});
