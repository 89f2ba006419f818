import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Demand } from '../../../src/core/stitcher/demand';
import { sleep } from '../../helpers/wait';

// The lease bookkeeping alone: who wants the encode, and when it rests and wakes.

function tracked(idleAfterMs: number): { demand: Demand; changes: boolean[] } {
  const changes: boolean[] = [];
  const demand = new Demand(idleAfterMs);
  demand.attach((idle) => changes.push(idle));
  return { demand, changes };
}

test('unwanted, it rests after idleAfterMs; a lease wakes it at once', async () => {
  const { demand, changes } = tracked(50);
  await sleep(120);
  assert.deepEqual(changes, [true]);
  const release = demand.want('whep');
  assert.deepEqual(changes, [true, false], 'woken synchronously');
  assert.deepEqual(demand.wanted, { whep: 1 });
  release();
  await sleep(120);
  assert.deepEqual(changes, [true, false, true]);
  demand.detach();
});

test('leases count by reason; releasing one twice counts once; the last release starts the clock', async () => {
  const { demand, changes } = tracked(50);
  const first = demand.want('whep');
  const second = demand.want('whep');
  const snapshot = demand.want('snapshot');
  first();
  first();
  assert.deepEqual(demand.wanted, { whep: 1, snapshot: 1 });
  snapshot();
  await sleep(120);
  assert.deepEqual(changes, [], 'one lease still held');
  second();
  assert.deepEqual(demand.wanted, {});
  await sleep(120);
  assert.deepEqual(changes, [true]);
  demand.detach();
});

test('detached (the mosaic stopped), no timer fires; Infinity never rests', async () => {
  const { demand, changes } = tracked(50);
  demand.detach();
  await sleep(120);
  assert.deepEqual(changes, []);
  const never = tracked(Infinity);
  await sleep(120);
  assert.deepEqual(never.changes, []);
  never.demand.detach();
});
