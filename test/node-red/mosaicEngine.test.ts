import assert from 'node:assert/strict';
import { createConnection } from 'node:net';
import { afterEach, test } from 'node:test';
import { configSecrets } from '../../src/core/config/redactIssues';
import { ConfigError } from '../../src/core/errors';
import { engineDocument, passwordsInFlowFile, withLogin } from '../../src/node-red/engineDocument';
import type { MosaicEngineNode } from '../../src/node-red/engineClient';
import {
  engineDef,
  freePort,
  helper,
  mosaicNodes,
  NodeRecorder,
  type TestNode,
} from '../helpers/nodeRedHelper';
import { waitFor } from '../helpers/wait';

afterEach(async () => {
  await helper.unload();
});

/** The node's config document and what its media core masks: stored passwords and the config's secrets. */
function documentAndSecrets(...args: Parameters<typeof engineDocument>) {
  const { config, storedPasswords } = engineDocument(...args);
  return { config, secrets: [...storedPasswords, ...configSecrets(config)] };
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

test('loads with its defaults and starts nothing until a node needs it', async () => {
  const port = await freePort();
  await helper.load(mosaicNodes, [engineDef(port, { id: 'lonely', name: 'mosaic' })]);
  const engine = helper.getNode('lonely') as unknown as MosaicEngineNode;
  assert.equal(engine.name, 'mosaic');
  assert.equal(engine.mosaic.running, false);
  assert.equal(await listening(port), false);
});

test('the first node starts the engine; a redeploy frees the port and the cameras', async () => {
  const port = await freePort();
  const flow = [
    engineDef(port),
    { id: 'status', type: 'mosaic-status', engine: 'engine', z: 'f1', wires: [[], []] },
  ];
  await helper.load(mosaicNodes, flow);
  const engine = helper.getNode('engine') as unknown as MosaicEngineNode;
  await waitFor('the engine running', () => engine.mosaic.running, 20000);
  // Running comes true before the servers listen; the start it shares resolves once they do.
  await engine.mosaic.start();
  assert.equal(await listening(port), true);
  const stats = (await (await fetch(`http://127.0.0.1:${port}/stats`)).json()) as {
    output: { width: number };
  };
  assert.equal(stats.output.width, 640);
  await helper.unload();
  assert.equal(engine.mosaic.running, false, 'close waited for the cameras to stop');
  assert.equal(await listening(port), false, 'close waited for the port to be freed');
  await helper.load(mosaicNodes, flow);
  const again = helper.getNode('engine') as unknown as MosaicEngineNode;
  await waitFor('the new engine running on the same port', () => again.mosaic.running, 20000);
  await again.mosaic.start();
  assert.equal(await listening(port), true);
});

test('camera users and passwords come from credentials and never show in stats or logs', async () => {
  const port = await freePort();
  const flow = [
    engineDef(port, {
      cameras: [
        { name: 'door', url: 'rtsp://127.0.0.1:9/door' },
        { name: 'demo', url: 'demo:color?c=red&size=320x180&rate=25' },
      ],
      layout: '',
    }),
    { id: 'status', type: 'mosaic-status', engine: 'engine', interval: 0, z: 'f1', wires: [['tiles'], []] },
    { id: 'tiles', type: 'helper' },
  ];
  await helper.load(mosaicNodes, flow, {
    engine: { users: '{"door":"admin"}', passwords: '{"door":"s3cr@t!"}', token: 'tok-123' },
  });
  const engine = helper.getNode('engine') as unknown as MosaicEngineNode;
  const recorder = new NodeRecorder(engine as unknown as TestNode);
  const warnings: string[] = [];
  (engine as unknown as TestNode).on('call:warn', (call) => warnings.push(String(call.args[0])));
  await waitFor('the engine running', () => engine.mosaic.running, 20000);
  // Running comes true before the servers listen; the start it shares resolves once they do.
  await engine.mosaic.start();
  const stitcher = engine.mosaic.get().stitcher;
  assert.equal(stitcher.config.cameras[0].url, 'rtsp://admin:s3cr%40t!@127.0.0.1:9/door');
  assert.equal(stitcher.displayUrl('door'), 'rtsp://admin:***@127.0.0.1:9/door');
  const unauthorised = await fetch(`http://127.0.0.1:${port}/stats`);
  assert.equal(unauthorised.status, 401, 'the token from credentials protects the server');
  const stats = await fetch(`http://127.0.0.1:${port}/stats`, {
    headers: { Authorization: 'Bearer tok-123' },
  });
  const text = await stats.text();
  assert.ok(!text.includes('s3cr'), text);
  await waitFor('the door camera failing', () => stitcher.stats().cameras[0].lastError !== '', 15000);
  await waitFor('a warning about it', () => warnings.some((w) => w.includes('door')), 15000);
  const everything = [...warnings, ...recorder.errors].join('\n');
  assert.ok(!everything.includes('s3cr'), everything);
});

test('engineDocument: empty fields take the defaults, numbers from text, JSON layout', () => {
  const { config, secrets } = documentAndSecrets(
    {
      cameras: [{ name: 'a', url: 'rtsp://cam/x', transport: 'udp' }],
      width: '640',
      height: '',
      layout: '{"preset":"focus","camera":"a"}',
      port: 8082,
      host: '',
    },
    { users: '{"a":"u"}', passwords: '{"a":"p"}' },
  );
  assert.deepEqual(config, {
    cameras: [{ name: 'a', url: 'rtsp://u:p@cam/x', transport: 'udp' }],
    output: { width: 640 },
    server: { port: 8082 },
    layout: { preset: 'focus', camera: 'a' },
  });
  assert.deepEqual(secrets, ['p', 'p']);
});

test('engineDocument: publishing outputs come from the credentials, their passwords masked', () => {
  const { config, secrets } = documentAndSecrets(
    { cameras: [{ name: 'a', url: 'demo:testsrc2' }] },
    { outputs: '[{"type":"rtsp","url":"rtsp://pub:pub-s3cret@mediamtx:8554/mosaic"}]' },
  );
  assert.deepEqual(config['outputs'], [{ type: 'rtsp', url: 'rtsp://pub:pub-s3cret@mediamtx:8554/mosaic' }]);
  assert.ok(secrets.includes('pub-s3cret'));
});

test("engineDocument: a camera's substream gets its login from the credentials; title and motion pass through", () => {
  const { config, secrets } = documentAndSecrets(
    {
      cameras: [
        {
          name: 'door',
          url: 'rtsp://cam/main',
          subUrl: 'rtsp://cam/sub',
          title: 'Front door',
          motion: { sensitivity: 70 },
        },
        { name: 'yard', url: 'demo:testsrc2', subUrl: '', title: '', motion: '{"enabled":false}' },
      ],
    },
    { users: '{"door":"admin"}', passwords: '{"door":"s3cr@t"}' },
  );
  assert.deepEqual(config['cameras'], [
    {
      name: 'door',
      url: 'rtsp://admin:s3cr%40t@cam/main',
      subUrl: 'rtsp://admin:s3cr%40t@cam/sub',
      title: 'Front door',
      motion: { sensitivity: 70 },
    },
    { name: 'yard', url: 'demo:testsrc2', motion: { enabled: false } },
  ]);
  assert.ok(secrets.includes('s3cr@t') && secrets.includes('s3cr%40t'));
});

test("engineDocument: mosaics take the node's output, layout and labels as defaults, and outputs from the credentials", () => {
  const props = {
    cameras: [{ name: 'a', url: 'demo:testsrc2' }],
    width: '640',
    height: '360',
    layout: '{"preset":"grid"}',
    labels: '{"names":true}',
    mosaics: JSON.stringify([
      { name: 'kitchen' },
      {
        name: 'hall',
        output: { width: 1920, height: 1080 },
        layout: { preset: 'focus', camera: 'a' },
        labels: {},
      },
    ]),
  };
  const byName = documentAndSecrets(props, {
    outputs: '{"hall":[{"type":"rtsp","url":"rtsp://pub:hall-pw@mtx:8554/hall"}]}',
  });
  assert.deepEqual(byName.config['mosaics'], [
    {
      name: 'kitchen',
      output: { width: 640, height: 360 },
      layout: { preset: 'grid' },
      labels: { names: true },
    },
    {
      name: 'hall',
      output: { width: 1920, height: 1080 },
      layout: { preset: 'focus', camera: 'a' },
      labels: {},
      outputs: [{ type: 'rtsp', url: 'rtsp://pub:hall-pw@mtx:8554/hall' }],
    },
  ]);
  for (const key of ['output', 'layout', 'labels', 'outputs']) assert.ok(!(key in byName.config), key);
  assert.ok(byName.secrets.includes('hall-pw'));
  const list = engineDocument(props, { outputs: '[{"type":"rtp","host":"janus","port":5004}]' });
  const [first, second] = list.config['mosaics'] as Record<string, unknown>[];
  assert.deepEqual(
    first['outputs'],
    [{ type: 'rtp', host: 'janus', port: 5004 }],
    "a list is the first mosaic's",
  );
  assert.equal(second['outputs'], undefined);
});

const badDocuments: [string, Parameters<typeof engineDocument>, RegExp][] = [
  ['mosaics that are not JSON', [{ cameras: [], mosaics: '[{' }, {}], /^mosaics: is not valid JSON/],
  ['labels that are not JSON', [{ cameras: [], labels: '{names' }, {}], /^labels: is not valid JSON/],
  [
    'motion that is not JSON',
    [{ cameras: [{ name: 'a', url: 'demo:x', motion: '{on' }] }, {}],
    /^cameras\[0\]\.motion: is not valid JSON/,
  ],
  [
    'outputs by mosaic that are neither list nor object',
    [{ cameras: [], mosaics: '[{"name":"a"}]' }, { outputs: '"x"' }],
    /^outputs: must be an array, or an object of mosaic name/,
  ],
  ['outputs that are not JSON', [{ cameras: [] }, { outputs: '[{' }], /^outputs: is not valid JSON/],
  ['layout that is not JSON', [{ cameras: [], layout: '{preset' }, {}], /^layout: is not valid JSON/],
  [
    'passwords that are not JSON',
    [{ cameras: [] }, { passwords: '{"a":' }],
    /^credentials\.passwords: is not valid JSON$/,
  ],
  ['users that are a list', [{ cameras: [] }, { users: '["a"]' }], /^credentials\.users: must be an object/],
];

for (const [what, args, expected] of badDocuments) {
  test(`engineDocument rejects ${what}`, () => {
    assert.throws(
      () => engineDocument(...args),
      (error: unknown) => error instanceof ConfigError && expected.test(error.message),
    );
  });
}

test('passwordsInFlowFile names the camera and publish URLs that carry a password', () => {
  const cameras = [
    { name: 'a', url: 'rtsp://cam/1' },
    { name: 'b', url: 'rtsp://u:p@cam/2' },
    { name: 'c', url: 'rtsp://u@cam/3', subUrl: 'rtsp://u:p@cam/3-sub' },
  ];
  assert.deepEqual(passwordsInFlowFile(cameras), ['cameras[1].url', 'cameras[2].subUrl']);
  assert.deepEqual(passwordsInFlowFile(undefined), []);
  const mosaics = '[{"name":"a","outputs":[{"type":"rtsp","url":"rtsp://u:p@mtx/a"}]}]';
  assert.deepEqual(passwordsInFlowFile([], mosaics), ['mosaics[0].outputs[0].url']);
});

test('withLogin replaces a login in the URL and leaves demo: alone', () => {
  assert.equal(withLogin('rtsp://old:pw@cam:554/s', 'new', 'p w'), 'rtsp://new:p%20w@cam:554/s');
  assert.equal(withLogin('rtsps://cam/s', 'u', undefined), 'rtsps://u@cam/s');
  assert.equal(withLogin('rtsp://cam/s', undefined, undefined), 'rtsp://cam/s');
  assert.equal(withLogin('demo:testsrc', 'u', 'p'), 'demo:testsrc');
});

test('an invalid config shows on the nodes that use it, naming the field', async () => {
  const port = await freePort();
  await helper.load(mosaicNodes, [
    engineDef(port, { width: '641', cameras: [{ name: 'bad name', url: 'http://x' }] }),
    { id: 'snap', type: 'mosaic-snapshot', engine: 'engine', z: 'f1', wires: [[]] },
  ]);
  const snap = helper.getNode('snap') as TestNode;
  const recorder = new NodeRecorder(snap);
  await waitFor('a red status', () => recorder.lastStatus?.fill === 'red', 5000);
  const message = recorder.errors.join('\n');
  assert.match(message, /cameras\[0\]\.name: may contain only letters/);
  assert.match(message, /cameras\[0\]\.url: must start with rtsp:\/\/, rtsps:\/\/ or demo:/);
  assert.match(message, /output\.width: must be an even number/);
  assert.equal(await listening(port), false);
});

test('a taken port is a red status; a "start" once it is free starts a fresh engine', async () => {
  const { createServer } = await import('node:net');
  const blocker = createServer();
  const port = await new Promise<number>((resolve) =>
    blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)),
  );
  await helper.load(mosaicNodes, [
    engineDef(port),
    { id: 'control', type: 'mosaic-control', engine: 'engine', z: 'f1', wires: [[]] },
    { id: 'status', type: 'mosaic-status', engine: 'engine', interval: 0, z: 'f1', wires: [[], []] },
  ]);
  const control = helper.getNode('control') as TestNode;
  const recorder = new NodeRecorder(control);
  const statusRecorder = new NodeRecorder(helper.getNode('status') as TestNode);
  await waitFor('a red status', () => recorder.lastStatus?.fill === 'red', 10000);
  assert.equal(recorder.lastStatus?.text, `port ${port} in use`);
  const engine = helper.getNode('engine') as unknown as MosaicEngineNode;
  assert.equal(engine.mosaic.running, false, 'the cameras stopped again');
  await new Promise<void>((resolve) => blocker.close(() => resolve()));
  control.receive({ payload: 'start' });
  await waitFor('running', () => recorder.lastStatus?.text === 'running', 15000);
  assert.equal(await listening(port), true);
  // mosaic-status follows the fresh engine, though it subscribed before the failed start.
  await waitFor('4/4 live', () => statusRecorder.lastStatus?.text === '4/4 live', 15000);
});
