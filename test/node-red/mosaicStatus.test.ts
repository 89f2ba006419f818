import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import type { Engine } from '../../src/core/engine';
import { liveStatus } from '../../src/node-red/liveStatus';
import type { NodeMessage, NodeStatus } from '../../src/node-red/nodeRedTypes';
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

interface Loaded {
  status: TestNode;
  control: TestNode;
  tileStates: NodeMessage[];
  stats: NodeMessage[];
  recorder: NodeRecorder;
}

async function loadStatus(
  statusProps: Record<string, unknown>,
  engineProps: Record<string, unknown> = {},
): Promise<Loaded> {
  const port = await freePort();
  await helper.load(mosaicNodes, [
    engineDef(port, engineProps),
    {
      id: 'status',
      type: 'mosaic-status',
      engine: 'engine',
      z: 'f1',
      wires: [['tiles'], ['stats']],
      ...statusProps,
    },
    { id: 'control', type: 'mosaic-control', engine: 'engine', z: 'f1', wires: [[]] },
    { id: 'tiles', type: 'helper' },
    { id: 'stats', type: 'helper' },
  ]);
  const status = helper.getNode('status') as TestNode;
  return {
    status,
    control: helper.getNode('control') as TestNode,
    recorder: new NodeRecorder(status),
    tileStates: messagesOf(helper.getNode('tiles') as TestNode),
    stats: messagesOf(helper.getNode('stats') as TestNode),
  };
}

test('loads with its defaults', async () => {
  await helper.load(mosaicNodes, [
    { id: 'status', type: 'mosaic-status', name: 'cams', interval: 60, z: 'f1', wires: [[], []] },
  ]);
  const status = helper.getNode('status') as TestNode;
  assert.equal(status['name'], 'cams');
});

test('every camera going live is a message on output 1, and the status reads "4/4 live" in green', async () => {
  const { tileStates, recorder } = await loadStatus({ interval: 0 });
  const live = await waitFor(
    'four live messages',
    () => {
      const cameras = new Set(
        tileStates
          .filter((m) => (m.payload as { state: string }).state === 'live')
          .map((m) => (m.payload as { camera: string }).camera),
      );
      return cameras.size === 4 && cameras;
    },
    20000,
  );
  assert.deepEqual([...live].sort(), ['blue', 'lime', 'red', 'yellow']);
  const first = tileStates[0];
  assert.equal(first.topic, 'tilestate');
  assert.equal(typeof (first.payload as { since: number }).since, 'number');
  await waitFor('a green status', () => recorder.lastStatus?.text === '4/4 live', 5000);
  assert.deepEqual(recorder.lastStatus, { fill: 'green', shape: 'dot', text: '4/4 live' });
});

test('an offline camera turns the status yellow and names it', async () => {
  const cameras = [
    { name: 'red', url: 'demo:color?c=red&size=320x180&rate=25' },
    { name: 'porch', url: 'rtsp://127.0.0.1:9/porch' },
  ];
  const { tileStates, recorder } = await loadStatus({ interval: 0 }, { cameras, layout: '' });
  const offline = await waitFor(
    'porch offline',
    () => tileStates.find((m) => (m.payload as { state: string }).state === 'offline'),
    20000,
  );
  assert.equal((offline.payload as { camera: string }).camera, 'porch');
  assert.ok((offline.payload as { error?: string }).error, 'says why');
  await waitFor('a yellow status', () => recorder.lastStatus?.text === '1/2 live, offline: porch', 20000);
  assert.equal(recorder.lastStatus?.fill, 'yellow');
});

test('stats every interval on output 2, and on any input; "stopped" in grey after a stop', async () => {
  const { status, control, stats, recorder } = await loadStatus({ interval: 0.3 });
  await waitFor('two periodic stats', () => stats.length >= 2, 10000);
  const document = stats[0].payload as { output: { width: number }; cameras: unknown[]; tiles: unknown[] };
  assert.equal(stats[0].topic, 'stats');
  assert.equal(document.output.width, 640);
  assert.equal(document.cameras.length, 4);
  assert.equal(document.tiles.length, 4);
  status.receive({ payload: 'now', tag: 7 });
  await waitFor('stats for the input', () => stats.find((m) => m['tag'] === 7), 5000);
  control.receive({ payload: 'stop' });
  await waitFor('a grey status', () => recorder.lastStatus?.text === 'stopped', 10000);
  assert.deepEqual(recorder.lastStatus, { fill: 'grey', shape: 'ring', text: 'stopped' });
});

test('a msg.mosaic that is not a name is an error naming it, as in mosaic-control and mosaic-snapshot', async () => {
  const { status, stats, recorder } = await loadStatus({ interval: 0 });
  status.receive({ payload: 'now', mosaic: 42 });
  await waitFor('an error', () => recorder.errors.length > 0, 5000);
  assert.match(recorder.errors[0], /^mosaic: must be a mosaic name/);
  assert.equal(stats.length, 0, 'no stats of some other mosaic');
});

test('an invalid interval is an error naming it', async () => {
  const { recorder } = await loadStatus({ interval: -5 });
  await waitFor('an error', () => recorder.errors.length > 0, 5000);
  assert.match(recorder.errors[0], /^interval: must be >= 0/);
  assert.equal(recorder.lastStatus?.fill, 'red');
});

const statusCases: [string, boolean, string[], NodeStatus][] = [
  ['stopped', false, ['live', 'live'], { fill: 'grey', shape: 'ring', text: 'stopped' }],
  ['all live', true, ['live', 'live'], { fill: 'green', shape: 'dot', text: '2/2 live' }],
  ['one offline', true, ['live', 'offline'], { fill: 'yellow', shape: 'ring', text: '1/2 live, offline: b' }],
  ['one stale', true, ['stale', 'live'], { fill: 'yellow', shape: 'ring', text: '1/2 live' }],
  [
    'still connecting',
    true,
    ['connecting', 'connecting'],
    { fill: 'yellow', shape: 'ring', text: '0/2 live' },
  ],
  [
    'all offline',
    true,
    ['offline', 'offline'],
    { fill: 'red', shape: 'ring', text: '0/2 live, offline: a, b' },
  ],
];

for (const [what, running, states, expected] of statusCases) {
  test(`the status dot: ${what}`, () => {
    const cameras = states.map((state, i) => ({ name: 'ab'[i], state }));
    const stitcher = { stats: () => ({ running, cameras, outputs: [] }) };
    const engine = { stitcher, mosaics: new Map([['default', stitcher]]) } as unknown as Engine;
    assert.deepEqual(liveStatus(engine), expected);
  });
}

test('the status dot names a publishing output that is offline, of every mosaic or of the named one', () => {
  const cameras = [{ name: 'a', state: 'live' }];
  const mosaic = (outputs: { name: string; state: string }[]) => ({
    stats: () => ({ running: true, cameras, outputs }),
  });
  const kitchen = mosaic([
    { name: 'mediamtx', state: 'offline' },
    { name: 'janus', state: 'live' },
  ]);
  const hall = mosaic([{ name: 'tv', state: 'connecting' }]);
  const mosaics = new Map([
    ['kitchen', kitchen],
    ['hall', hall],
  ]);
  const engine = {
    stitcher: kitchen,
    mosaics,
    mosaic: (name: string) => mosaics.get(name),
  } as unknown as Engine;
  assert.deepEqual(liveStatus(engine), {
    fill: 'yellow',
    shape: 'ring',
    text: '1/1 live, output offline: mediamtx',
  });
  assert.deepEqual(liveStatus(engine, 'hall'), { fill: 'green', shape: 'dot', text: '1/1 live' });
});

test('motion on a camera is a message on output 3: {camera, active, score, since}', async () => {
  const cameras = [
    // testsrc2 draws a moving pattern: motion from the start (sensitivity at its highest).
    { name: 'moving', url: 'demo:testsrc2?size=320x180&rate=25', motion: { sensitivity: 100 } },
    { name: 'still', url: 'demo:color?c=red&size=320x180&rate=25' },
  ];
  const port = await freePort();
  await helper.load(mosaicNodes, [
    engineDef(port, { cameras, layout: '' }),
    {
      id: 'status',
      type: 'mosaic-status',
      engine: 'engine',
      interval: 0,
      z: 'f1',
      wires: [[], [], ['motion']],
    },
    { id: 'motion', type: 'helper' },
  ]);
  const motion = messagesOf(helper.getNode('motion') as TestNode);
  const first = await waitFor('a motion message', () => motion[0], 20000);
  assert.equal(first.topic, 'motion');
  const payload = first.payload as { camera: string; active: boolean; score: number; since: number };
  assert.equal(payload.camera, 'moving');
  assert.equal(payload.active, true);
  assert.equal(typeof payload.score, 'number');
  assert.ok(payload.since > Date.now() - 60_000);
  assert.ok(
    !motion.some((m) => (m.payload as { camera: string }).camera === 'still'),
    'a still camera sends none',
  );
});

test('a publishing output that cannot connect turns the dot yellow and names it', async () => {
  const dead = await freePort(); // nothing listens there
  const port = await freePort();
  await helper.load(
    mosaicNodes,
    [
      engineDef(port),
      { id: 'status', type: 'mosaic-status', engine: 'engine', interval: 0, z: 'f1', wires: [[], [], []] },
    ],
    {
      engine: {
        outputs: JSON.stringify([{ name: 'mtx', type: 'rtsp', url: `rtsp://127.0.0.1:${dead}/mosaic` }]),
      },
    },
  );
  const recorder = new NodeRecorder(helper.getNode('status') as TestNode);
  await waitFor(
    'the output named in the status',
    () => recorder.lastStatus?.text === '4/4 live, output offline: mtx',
    20000,
  );
  assert.equal(recorder.lastStatus?.fill, 'yellow');
});
