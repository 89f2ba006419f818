import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import type { NodeMessage } from '../../src/node-red/nodeRedTypes';
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

afterEach(async () => {
  await helper.unload();
});

async function loadControl(): Promise<{ control: TestNode; out: NodeMessage[]; recorder: NodeRecorder }> {
  const port = await freePort();
  await helper.load(mosaicNodes, [
    engineDef(port),
    { id: 'control', type: 'mosaic-control', engine: 'engine', wires: [['out']] },
    { id: 'out', type: 'helper' },
  ]);
  const control = helper.getNode('control') as TestNode;
  const recorder = new NodeRecorder(control);
  const out = messagesOf(helper.getNode('out') as TestNode);
  await waitFor('the engine running', () => recorder.lastStatus?.text === 'running', 20000);
  return { control, out, recorder };
}

function cameraAt(msg: NodeMessage, x: number, y: number): string | undefined {
  const { tiles } = msg.payload as {
    tiles: { camera: string; x: number; y: number; width: number; height: number }[];
  };
  return [...tiles].reverse().find((t) => x >= t.x && x < t.x + t.width && y >= t.y && y < t.y + t.height)
    ?.camera;
}

test('loads with its defaults', async () => {
  await helper.load(mosaicNodes, [
    { id: 'control', type: 'mosaic-control', name: 'front door', z: 'f1', wires: [[]] },
  ]);
  const control = helper.getNode('control') as TestNode;
  assert.equal(control['name'], 'front door');
});

test('without an engine it shows a red status and rejects input', async () => {
  await helper.load(mosaicNodes, [{ id: 'control', type: 'mosaic-control', z: 'f1', wires: [[]] }]);
  const control = helper.getNode('control') as TestNode;
  const recorder = new NodeRecorder(control);
  control.receive({ payload: 'start' });
  await waitFor('an error', () => recorder.errors.length > 0, 2000);
  assert.match(recorder.errors[0], /no mosaic-engine configured/);
});

test('layout, focus with a return timer, swap and keyframe, in every command shape', async () => {
  const { control, out, recorder } = await loadControl();
  const next = async (msg: NodeMessage): Promise<NodeMessage> => {
    const before = out.length;
    control.receive(msg);
    return waitFor('an output message', () => out[before], 5000);
  };

  let reply = await next({
    topic: 'layout',
    payload: { preset: 'classic4', cameras: ['red', 'lime', 'blue', 'yellow'] },
  });
  assert.equal(reply['command'], 'layout');
  assert.deepEqual(
    [cameraAt(reply, 0, 0), cameraAt(reply, 320, 0), cameraAt(reply, 320, 300), cameraAt(reply, 639, 0)],
    ['red', 'lime', 'blue', 'yellow'],
  );

  reply = await next({ payload: { command: 'layout', layout: { preset: 'grid', rows: 2, columns: 2 } } });
  assert.deepEqual([cameraAt(reply, 0, 0), cameraAt(reply, 639, 359)], ['red', 'yellow']);

  reply = await next({ payload: { command: 'focus', camera: 'blue', duration: 0.6 } });
  assert.equal((reply.payload as { tiles: unknown[] }).tiles.length, 1);
  assert.equal(cameraAt(reply, 320, 180), 'blue');
  assert.equal(recorder.lastStatus?.text, 'focus blue for 0.6 s');
  // A second focus restarts the timer but still returns to the grid.
  reply = await next({ topic: 'focus', payload: { camera: 'lime', duration: 0.6 } });
  assert.equal(cameraAt(reply, 320, 180), 'lime');
  reply = await next({ topic: 'focus', payload: { camera: 'red', duration: 0.6 } });
  const returned = await waitFor('the focus return', () => out.find((m) => m['command'] === 'return'), 5000);
  assert.deepEqual(
    [cameraAt(returned, 0, 0), cameraAt(returned, 639, 0), cameraAt(returned, 639, 359)],
    ['red', 'lime', 'yellow'],
  );

  reply = await next({ topic: 'swap', payload: ['red', 'yellow'] });
  assert.deepEqual([cameraAt(reply, 0, 0), cameraAt(reply, 639, 359)], ['yellow', 'red']);
  reply = await next({ payload: { command: 'swap', cameras: ['red', 'yellow'] } });
  assert.deepEqual([cameraAt(reply, 0, 0), cameraAt(reply, 639, 359)], ['red', 'yellow']);

  reply = await next({ topic: 'mqtt/door/motion', payload: '{"command":"focus","camera":"blue"}' });
  assert.equal(cameraAt(reply, 320, 180), 'blue', 'a JSON text payload (from MQTT) is read as the object');
  reply = await next({ topic: 'layout', payload: 'grid' });

  reply = await next({ payload: 'keyframe', extra: 42 });
  assert.equal(reply['command'], 'keyframe');
  assert.equal(reply['extra'], 42, 'other message properties are kept');
  assert.deepEqual(recorder.errors, []);
});

test("swap reaches a camera that is one of a timeshare tile's cameras, and swaps it in the rotation", async () => {
  const { control, out, recorder } = await loadControl();
  const next = async (msg: NodeMessage): Promise<NodeMessage> => {
    const before = out.length;
    control.receive(msg);
    return waitFor('an output message', () => out[before], 5000);
  };
  await next({
    topic: 'layout',
    payload: {
      tiles: [
        { camera: 'red', x: 0, y: 0, width: 320, height: 360 },
        { cameras: ['lime', 'blue'], rotateMs: 60000, x: 320, y: 0, width: 320, height: 360 },
      ],
    },
  });
  const reply = await next({ topic: 'swap', payload: ['red', 'blue'] });
  const tiles = (reply.payload as { tiles: { camera: string; cameras?: string[] }[] }).tiles;
  assert.deepEqual(
    tiles.map((t) => t.cameras ?? [t.camera]),
    [['blue'], ['lime', 'red']],
  );
  assert.deepEqual(recorder.errors, []);
});

test('a layout command cancels a pending focus return', async () => {
  const { control, out } = await loadControl();
  control.receive({ payload: { command: 'focus', camera: 'blue', duration: 0.4 } });
  control.receive({ topic: 'layout', payload: 'grid' });
  await waitFor('two replies', () => out.length >= 2, 5000);
  await new Promise((resolve) => setTimeout(resolve, 800));
  assert.equal(out.filter((m) => m['command'] === 'return').length, 0);
});

test('stop and start: status grey "stopped", then "running"', async () => {
  const { control, out, recorder } = await loadControl();
  control.receive({ payload: 'stop' });
  await waitFor('stopped', () => recorder.lastStatus?.text === 'stopped', 10000);
  assert.deepEqual(recorder.lastStatus, { fill: 'grey', shape: 'ring', text: 'stopped' });
  control.receive({ payload: 'keyframe' });
  await waitFor(
    'an error for keyframe while stopped',
    () => recorder.errors.some((e) => /stopped/.test(e)),
    5000,
  );
  control.receive({ topic: 'start' });
  await waitFor('running', () => recorder.lastStatus?.text === 'running', 15000);
  assert.equal(out.filter((m) => m['command'] === 'start').length, 1);
});

const invalidCommands: [string, NodeMessage, RegExp][] = [
  ['no command at all', { payload: {} }, /^command: is required/],
  [
    'an unknown command',
    { payload: { command: 'zoom' } },
    /^unknown command "zoom" \(start, stop, layout, focus, swap, keyframe\)$/,
  ],
  ['an unknown topic', { topic: 'dance', payload: 1 }, /^unknown command "dance" \(start, stop,/],
  [
    'a bare unknown word',
    { payload: 'dance' },
    /^unknown command "dance" \(start, stop, layout, focus, swap, keyframe\)$/,
  ],
  ['focus without a camera', { payload: { command: 'focus' } }, /^camera: is required/],
  [
    'a negative duration',
    { payload: { command: 'focus', camera: 'red', duration: -1 } },
    /^duration: must be > 0/,
  ],
  [
    'a duration as text',
    { topic: 'focus', payload: { camera: 'red', duration: 'soon' } },
    /^duration: must be a number/,
  ],
  ['an unknown camera', { topic: 'focus', payload: 'porch' }, /porch/],
  ['an unknown option', { payload: { command: 'stop', now: true } }, /^now: unknown property/],
  ['swap of one camera', { topic: 'swap', payload: ['red'] }, /^cameras: must have exactly 2 items/],
  [
    'swap with a camera not shown',
    { topic: 'swap', payload: ['red', 'nobody'] },
    /^cameras\[1\]: camera "nobody" is not in the current layout/,
  ],
  [
    'a layout that is not an object',
    { payload: { command: 'layout', layout: 3 } },
    /^layout: must be an object/,
  ],
  [
    'an unknown preset',
    { topic: 'layout', payload: 'mosaic' },
    /^layout\.preset: must be one of grid, classic4, focus, 1\+N/,
  ],
  [
    'tiles off the canvas',
    { topic: 'layout', payload: { tiles: [{ camera: 'red', x: 600, y: 0, width: 100, height: 100 }] } },
    /^layout\.tiles\[0\]/,
  ],
];

test('invalid commands raise a catchable error naming the field and send nothing', async () => {
  const { control, out, recorder } = await loadControl();
  for (const [what, msg, expected] of invalidCommands) {
    const before = recorder.errors.length;
    control.receive(msg);
    const error = await waitFor(`the error for ${what}`, () => recorder.errors[before], 5000);
    assert.match(error, expected, what);
    assert.equal(recorder.lastStatus?.fill, 'red', what);
  }
  assert.equal(out.length, 0);
});

test('a catch node receives the error with the message that caused it', async () => {
  const port = await freePort();
  await helper.load(mosaicNodes, [
    engineDef(port),
    { id: 'control', type: 'mosaic-control', engine: 'engine', z: 'f1', wires: [[]] },
    { id: 'catcher', type: 'catch', scope: null, uncaught: false, z: 'f1', wires: [['caught']] },
    { id: 'caught', type: 'helper', z: 'f1' },
  ]);
  const caught = messagesOf(helper.getNode('caught') as TestNode);
  (helper.getNode('control') as TestNode).receive({
    topic: 'focus',
    payload: { camera: 'red', duration: 0 },
    tag: 'motion',
  });
  const msg = await waitFor('the caught message', () => caught[0], 5000);
  assert.equal(msg['tag'], 'motion');
  // The text the sidebar shows, without the class name of the error.
  assert.equal((msg['error'] as { message: string }).message, 'duration: must be > 0');
});
