/**
 * Issue 17 item 4: every node reports an error as plain text (the debug sidebar shows an Error as
 * `{ name: "ConfigError", message: … }` to be expanded), a Catch node still gets it, and a taken
 * port says so on the status and in the text.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { afterEach, test } from 'node:test';
import type { NodeMessage, NodeStatus } from '../../src/node-red/nodeRedTypes';
import {
  engineDef,
  freePort,
  helper,
  messagesOf,
  mosaicNodes,
  type TestNode,
} from '../helpers/nodeRedHelper';
import { waitFor } from '../helpers/wait';

afterEach(async () => {
  await helper.unload();
});

interface SpyCall {
  thisValue: unknown;
  args: unknown[];
}

/** What the node handed to `node.error` and `node.status`, as given (the helper spies on both). */
function raw(node: TestNode): { errors: unknown[]; statuses: NodeStatus[] } {
  const calls = (method: string): SpyCall[] =>
    ((node[method] as { getCalls?: () => SpyCall[] }).getCalls?.() ?? []).filter(
      (call) => call.thisValue === node,
    );
  const seen = { errors: calls('error').map((c) => c.args[0]), statuses: [] as NodeStatus[] };
  seen.statuses.push(...calls('status').map((c) => c.args[0] as NodeStatus));
  node.on('call:error', (call) => seen.errors.push(call.args[0]));
  node.on('call:status', (call) => seen.statuses.push(call.args[0] as NodeStatus));
  return seen;
}

const unknownCommand = 'unknown command "dance" (start, stop, layout, focus, swap, keyframe)';

test('each node reports its errors as text, and a catch node gets the same text', async () => {
  const port = await freePort();
  await helper.load(mosaicNodes, [
    engineDef(port),
    { id: 'control', type: 'mosaic-control', engine: 'engine', z: 'f1', wires: [[]] },
    { id: 'status', type: 'mosaic-status', engine: 'engine', interval: '-1', z: 'f1', wires: [[], [], []] },
    { id: 'snapshot', type: 'mosaic-snapshot', engine: 'engine', width: '17', z: 'f1', wires: [[]] },
    { id: 'catcher', type: 'catch', scope: ['control'], uncaught: false, z: 'f1', wires: [['caught']] },
    { id: 'caught', type: 'helper', z: 'f1' },
  ]);
  const control = helper.getNode('control') as TestNode;
  const seen = {
    control: raw(control),
    status: raw(helper.getNode('status') as TestNode),
    snapshot: raw(helper.getNode('snapshot') as TestNode),
  };
  const caught = messagesOf(helper.getNode('caught') as TestNode);
  await waitFor('the engine running', () => seen.control.statuses.at(-1)?.text === 'running', 20000);
  control.receive({ payload: 'dance' });

  const msg = await waitFor('the caught message', () => caught[0], 5000);
  assert.equal((msg['error'] as { message: string }).message, unknownCommand);
  await waitFor('the errors', () => seen.status.errors.length > 0 && seen.snapshot.errors.length > 0, 5000);
  assert.deepEqual(seen.control.errors, [unknownCommand]);
  assert.deepEqual(seen.control.statuses.at(-1), {
    fill: 'red',
    shape: 'ring',
    text: 'unknown command "dance"',
  });
  // At deploy the helper's spy may count a constructor's call twice: compare the texts seen.
  assert.deepEqual([...new Set(seen.status.errors)], ['interval: must be >= 0']);
  assert.deepEqual([...new Set(seen.snapshot.errors)], ['width: must be an even number']);
});

test('a taken port: "port N in use" on every node, the way out in the error, and on input', async () => {
  const port = await freePort();
  const other: Server = createServer();
  await new Promise<void>((resolve) => other.listen(port, '127.0.0.1', resolve));
  try {
    await helper.load(mosaicNodes, [
      engineDef(port),
      { id: 'control', type: 'mosaic-control', engine: 'engine', z: 'f1', wires: [[]] },
      { id: 'status', type: 'mosaic-status', engine: 'engine', z: 'f1', wires: [[], [], []] },
      { id: 'snapshot', type: 'mosaic-snapshot', engine: 'engine', z: 'f1', wires: [[]] },
    ]);
    const text =
      `port ${port} is in use: another mosaic-engine or another program listens on it; ` +
      'choose another Port in the mosaic-engine node';
    for (const id of ['control', 'status', 'snapshot']) {
      const seen = raw(helper.getNode(id) as TestNode);
      await waitFor(`${id}'s error`, () => seen.errors.length > 0, 20000);
      assert.deepEqual(seen.errors, [text], id);
      assert.deepEqual(seen.statuses.at(-1), { fill: 'red', shape: 'ring', text: `port ${port} in use` }, id);
    }
    // "no mosaic-engine running" said nothing of why.
    const status = helper.getNode('status') as TestNode;
    const seen = raw(status);
    status.receive({ topic: 'stats' } as NodeMessage);
    await waitFor('the input error', () => seen.errors.length > 1, 5000);
    assert.equal(seen.errors[1], `the mosaic-engine is not running: ${text}`);
  } finally {
    await new Promise((resolve) => other.close(resolve));
  }
});
