import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import type { Engine } from '../../src/core/engine';
import type { NodeMessage } from '../../src/node-red/nodeRedTypes';
import { decodeJpeg } from '../fixtures/pixels';
import { quadrantColours } from '../helpers/colourMosaic';
import {
  engineDef,
  freePort,
  helper,
  messagesOf,
  mosaicNodes,
  NodeRecorder,
  type TestNode,
} from '../helpers/nodeRedHelper';
import { waitFor } from '../helpers/wait';

/**
 * Issue 11 in Node-RED: an engine node with two mosaics (a kitchen grid, a smaller hall focused
 * on blue); control, status and snapshot pick one with their "Mosaic" property or `msg.mosaic`.
 */
// Node ids here are never a mosaic's name: Node-RED takes a property equal to a node's id for a
// reference to that node.
afterEach(async () => {
  await helper.unload();
});

const mosaics = JSON.stringify([
  { name: 'kitchen' },
  { name: 'hall', output: { width: 320, height: 180 }, layout: { preset: 'focus', camera: 'blue' } },
]);

async function loadMosaics(nodes: Record<string, unknown>[]): Promise<number> {
  const port = await freePort();
  await helper.load(mosaicNodes, [engineDef(port, { mosaics }), ...nodes]);
  return port;
}

interface Tiles {
  tiles: { camera: string }[];
}

test('mosaic-control: msg.mosaic, payload.mosaic and the node property pick the mosaic; the output names it', async () => {
  await loadMosaics([
    { id: 'control', type: 'mosaic-control', engine: 'engine', z: 'f1', wires: [['out']] },
    {
      id: 'hallControl',
      type: 'mosaic-control',
      engine: 'engine',
      mosaic: 'hall',
      z: 'f1',
      wires: [['out']],
    },
    { id: 'out', type: 'helper' },
  ]);
  const control = helper.getNode('control') as TestNode;
  const hall = helper.getNode('hallControl') as TestNode;
  const recorder = new NodeRecorder(control);
  const out = messagesOf(helper.getNode('out') as TestNode);
  await waitFor('the engine running', () => recorder.lastStatus?.text === 'running', 20000);
  const next = async (node: TestNode, msg: NodeMessage): Promise<NodeMessage> => {
    const before = out.length;
    node.receive(msg);
    return waitFor('an output message', () => out[before], 5000);
  };

  let reply = await next(control, { topic: 'focus', payload: 'red' });
  assert.equal(reply['mosaic'], 'kitchen', 'the first mosaic without a name');
  assert.deepEqual(
    (reply.payload as Tiles).tiles.map((t) => t.camera),
    ['red'],
  );

  reply = await next(control, { topic: 'focus', payload: 'lime', mosaic: 'hall' });
  assert.equal(reply['mosaic'], 'hall');
  assert.deepEqual(
    (reply.payload as Tiles).tiles.map((t) => t.camera),
    ['lime'],
  );
  assert.equal(recorder.lastStatus?.text, 'hall: focus lime', 'several mosaics: the status says which');

  reply = await next(control, { payload: { command: 'layout', layout: { preset: 'grid' }, mosaic: 'hall' } });
  assert.equal(reply['mosaic'], 'hall');
  assert.equal((reply.payload as Tiles).tiles.length, 4);

  reply = await next(hall, { topic: 'focus', payload: 'yellow' });
  assert.equal(reply['mosaic'], 'hall', 'the node property');
  reply = await next(hall, { topic: 'focus', payload: 'blue', mosaic: 'kitchen' });
  assert.equal(reply['mosaic'], 'kitchen', 'msg.mosaic wins over the node property');

  const engine = helper.getNode('engine') as unknown as {
    mosaic: { get(): import('../../src/core/engine').Engine };
  };
  assert.deepEqual(
    engine.mosaic
      .get()
      .mosaic('hall')
      .tiles.map((t) => t.camera),
    ['yellow'],
  );
  assert.deepEqual(
    engine.mosaic
      .get()
      .mosaic('kitchen')
      .tiles.map((t) => t.camera),
    ['blue'],
  );
});

test('mosaic-control: a focus return on one mosaic leaves the other alone', async () => {
  await loadMosaics([
    { id: 'control', type: 'mosaic-control', engine: 'engine', z: 'f1', wires: [['out']] },
    { id: 'out', type: 'helper' },
  ]);
  const control = helper.getNode('control') as TestNode;
  const recorder = new NodeRecorder(control);
  const out = messagesOf(helper.getNode('out') as TestNode);
  await waitFor('the engine running', () => recorder.lastStatus?.text === 'running', 20000);
  control.receive({ payload: { command: 'focus', camera: 'red', duration: 0.5 }, mosaic: 'hall' });
  control.receive({ payload: { command: 'focus', camera: 'lime' }, mosaic: 'kitchen' });
  const returned = await waitFor('the hall return', () => out.find((m) => m['command'] === 'return'), 5000);
  assert.equal(returned['mosaic'], 'hall');
  assert.deepEqual(
    (returned.payload as Tiles).tiles.map((t) => t.camera),
    ['blue'],
    'back to its focus on blue',
  );
  const engine = helper.getNode('engine') as unknown as {
    mosaic: { get(): import('../../src/core/engine').Engine };
  };
  assert.deepEqual(
    engine.mosaic
      .get()
      .mosaic('kitchen')
      .tiles.map((t) => t.camera),
    ['lime'],
  );
});

test('an unknown mosaic is an error and a red status naming it, for each node; nothing crashes', async () => {
  await loadMosaics([
    { id: 'control', type: 'mosaic-control', engine: 'engine', z: 'f1', wires: [['out']] },
    { id: 'badControl', type: 'mosaic-control', engine: 'engine', mosaic: 'attic', z: 'f1', wires: [[]] },
    { id: 'snap', type: 'mosaic-snapshot', engine: 'engine', z: 'f1', wires: [['out']] },
    {
      id: 'status',
      type: 'mosaic-status',
      engine: 'engine',
      mosaic: 'attic',
      interval: 0,
      z: 'f1',
      wires: [[], [], []],
    },
    { id: 'out', type: 'helper' },
  ]);
  const control = helper.getNode('control') as TestNode;
  const recorder = new NodeRecorder(control);
  const badRecorder = new NodeRecorder(helper.getNode('badControl') as TestNode);
  const statusRecorder = new NodeRecorder(helper.getNode('status') as TestNode);
  const snap = helper.getNode('snap') as TestNode;
  const snapRecorder = new NodeRecorder(snap);
  const out = messagesOf(helper.getNode('out') as TestNode);
  await waitFor('the engine running', () => recorder.lastStatus?.text === 'running', 20000);
  const named = /^mosaic: no mosaic named "attic" \(known: kitchen, hall\)/;
  for (const [what, rec] of [
    ['the control property', badRecorder],
    ['the status property', statusRecorder],
  ] as const) {
    await waitFor(`${what}: an error`, () => rec.errors.length > 0, 5000);
    assert.match(rec.errors[0], named, what);
    assert.equal(rec.lastStatus?.fill, 'red', what);
  }
  control.receive({ topic: 'focus', payload: 'red', mosaic: 'attic' });
  await waitFor('the control error', () => recorder.errors.length > 0, 5000);
  assert.match(recorder.errors[0], named);
  assert.equal(recorder.lastStatus?.fill, 'red');
  assert.match(recorder.lastStatus?.text ?? '', /attic/);
  snap.receive({ mosaic: 'attic' });
  await waitFor('the snapshot error', () => snapRecorder.errors.length > 0, 5000);
  assert.match(snapRecorder.errors[0], named);
  assert.equal(snapRecorder.lastStatus?.fill, 'red');
  control.receive({ topic: 'focus', payload: 'red', mosaic: 7 });
  await waitFor('a wrong type', () => recorder.errors.length > 1, 5000);
  assert.match(recorder.errors[1], /^mosaic: must be a mosaic name/);
  assert.equal(out.length, 0, 'nothing sent');
  // Still serving: a good command after the bad ones.
  control.receive({ topic: 'focus', payload: 'red', mosaic: 'hall' });
  await waitFor('a reply', () => out.length === 1, 5000);
});

test('mosaic-snapshot: msg.mosaic and the node property pick the mosaic, at its own size', async () => {
  await loadMosaics([
    { id: 'snap', type: 'mosaic-snapshot', engine: 'engine', z: 'f1', wires: [['out']] },
    { id: 'hallSnap', type: 'mosaic-snapshot', engine: 'engine', mosaic: 'hall', z: 'f1', wires: [['out']] },
    { id: 'out', type: 'helper' },
  ]);
  const out = messagesOf(helper.getNode('out') as TestNode);
  const take = async (node: string, msg: NodeMessage) =>
    waitFor(
      `a snapshot from ${node}`,
      async () => {
        const before = out.length;
        (helper.getNode(node) as TestNode).receive(msg);
        const reply = await waitFor('a reply', () => out[before], 15000).catch(() => undefined);
        if (!reply) return false;
        const frame = await decodeJpeg(reply.payload as Buffer);
        try {
          return { reply, frame, colours: quadrantColours(frame) };
        } catch {
          return false; // cameras not live yet
        }
      },
      20000,
      300,
    );
  const kitchen = await take('snap', {});
  assert.equal(kitchen.reply['mosaic'], 'kitchen');
  assert.deepEqual([kitchen.frame.width, kitchen.frame.height], [640, 360]);
  assert.deepEqual(kitchen.colours, ['red', 'lime', 'blue', 'yellow']);
  const hall = await take('snap', { mosaic: 'hall' });
  assert.equal(hall.reply['mosaic'], 'hall');
  assert.deepEqual([hall.frame.width, hall.frame.height], [320, 180]);
  assert.deepEqual(hall.colours, ['blue', 'blue', 'blue', 'blue']);
  const byProperty = await take('hallSnap', {});
  assert.equal(byProperty.reply['mosaic'], 'hall');
  assert.deepEqual(byProperty.colours, ['blue', 'blue', 'blue', 'blue']);
});

test('mosaic-status: stats of every mosaic in one message, or of the named one with msg.mosaic', async () => {
  await loadMosaics([
    {
      id: 'all',
      type: 'mosaic-status',
      engine: 'engine',
      interval: 0.3,
      z: 'f1',
      wires: [[], ['stats'], []],
    },
    {
      id: 'hallStatus',
      type: 'mosaic-status',
      engine: 'engine',
      mosaic: 'hall',
      interval: 0,
      z: 'f1',
      wires: [[], ['stats'], []],
    },
    { id: 'stats', type: 'helper' },
  ]);
  const stats = messagesOf(helper.getNode('stats') as TestNode);
  const all = await waitFor('periodic stats', () => stats.find((m) => m['mosaic'] === undefined), 10000);
  const document = all.payload as {
    mosaic: string;
    output: { width: number };
    mosaics: Record<string, { output: { width: number } }>;
  };
  assert.equal(document.mosaic, 'kitchen', "the first mosaic's at the top level");
  assert.equal(document.output.width, 640);
  assert.deepEqual(Object.keys(document.mosaics), ['kitchen', 'hall']);
  assert.equal(document.mosaics['hall'].output.width, 320);
  (helper.getNode('hallStatus') as TestNode).receive({ payload: 'now' });
  const hall = await waitFor('the hall stats', () => stats.find((m) => m['mosaic'] === 'hall'), 5000);
  assert.equal((hall.payload as { mosaic: string; output: { width: number } }).output.width, 320);
  (helper.getNode('all') as TestNode).receive({ mosaic: 'kitchen', tag: 1 });
  const kitchen = await waitFor('the kitchen stats', () => stats.find((m) => m['tag'] === 1), 5000);
  assert.equal(kitchen['mosaic'], 'kitchen');
  assert.equal((kitchen.payload as { mosaic: string }).mosaic, 'kitchen');
});

test('stop and start concern every mosaic and the shared cameras', async () => {
  await loadMosaics([
    { id: 'control', type: 'mosaic-control', engine: 'engine', mosaic: 'hall', z: 'f1', wires: [[]] },
  ]);
  const control = helper.getNode('control') as TestNode;
  const recorder = new NodeRecorder(control);
  await waitFor('the engine running', () => recorder.lastStatus?.text === 'running', 20000);
  const engine = (helper.getNode('engine') as unknown as { mosaic: { get(): Engine } }).mosaic.get();
  const running = () => [...engine.mosaics.values()].map((s) => s.running).concat(engine.hub.running);
  control.receive({ payload: 'stop' });
  await waitFor('stopped', () => recorder.lastStatus?.text === 'stopped', 10000);
  assert.deepEqual(running(), [false, false, false]);
  control.receive({ payload: 'start' });
  await waitFor('running again', () => recorder.lastStatus?.text === 'running', 15000);
  assert.deepEqual(running(), [true, true, true]);
});
