import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
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

afterEach(async () => {
  await helper.unload();
});

async function loadSnapshot(props: Record<string, unknown> = {}) {
  const port = await freePort();
  await helper.load(mosaicNodes, [
    engineDef(port),
    { id: 'snap', type: 'mosaic-snapshot', engine: 'engine', z: 'f1', wires: [['out']], ...props },
    { id: 'control', type: 'mosaic-control', engine: 'engine', z: 'f1', wires: [[]] },
    { id: 'out', type: 'helper' },
  ]);
  const snap = helper.getNode('snap') as TestNode;
  const recorder = new NodeRecorder(snap);
  const out = messagesOf(helper.getNode('out') as TestNode);
  const take = async (msg: NodeMessage): Promise<NodeMessage> => {
    const before = out.length;
    snap.receive(msg);
    return waitFor('a snapshot', () => out[before], 15000);
  };
  return { snap, control: helper.getNode('control') as TestNode, recorder, out, take };
}

test('loads with its defaults', async () => {
  await helper.load(mosaicNodes, [
    {
      id: 'snap',
      type: 'mosaic-snapshot',
      name: 'jpeg',
      width: '',
      height: '',
      quality: '',
      z: 'f1',
      wires: [[]],
    },
  ]);
  assert.equal((helper.getNode('snap') as TestNode)['name'], 'jpeg');
});

test('any input gives a JPEG of the mosaic in msg.payload, every tile in its colour', async () => {
  const { take, recorder } = await loadSnapshot();
  // The first frames of a camera may not have reached the canvas yet: wait for the colours.
  const frame = await waitFor(
    'all four colours',
    async () => {
      const msg = await take({ payload: 'go', topic: 'kept' });
      assert.ok(Buffer.isBuffer(msg.payload));
      assert.equal(msg.topic, 'kept');
      assert.equal(msg['contentType'], 'image/jpeg');
      const decoded = await decodeJpeg(msg.payload as Buffer);
      try {
        return quadrantColours(decoded).join() === 'red,lime,blue,yellow' && decoded;
      } catch {
        return false;
      }
    },
    20000,
    300,
  );
  assert.equal(`${frame.width}x${frame.height}`, '640x360');
  assert.equal(recorder.lastStatus?.fill, 'green');
});

test('the node scales the JPEG, and msg.snapshot overrides it', async () => {
  const { take } = await loadSnapshot({ width: '320', quality: '50' });
  const small = await decodeJpeg((await take({})).payload as Buffer);
  assert.equal(`${small.width}x${small.height}`, '320x180');
  const tall = await decodeJpeg((await take({ snapshot: { height: 90 } })).payload as Buffer);
  assert.equal(tall.height, 90);
});

test('bad options and a stopped mosaic raise catchable errors', async () => {
  const { snap, control, recorder, out } = await loadSnapshot();
  snap.receive({ snapshot: { width: 333 } });
  await waitFor('an error', () => recorder.errors.length === 1, 5000);
  assert.match(recorder.errors[0], /^snapshot\.width: must be an even number/);
  snap.receive({ snapshot: 'big' });
  await waitFor('an error', () => recorder.errors.length === 2, 5000);
  assert.match(recorder.errors[1], /^snapshot: must be an object/);
  control.receive({ payload: 'stop' });
  await new Promise((resolve) => setTimeout(resolve, 500));
  snap.receive({});
  await waitFor('an error', () => recorder.errors.length === 3, 5000);
  assert.match(recorder.errors[2], /stopped/);
  assert.equal(out.length, 0);
});

test('invalid node properties are an error at deploy', async () => {
  const port = await freePort();
  await helper.load(mosaicNodes, [
    engineDef(port),
    { id: 'snap', type: 'mosaic-snapshot', engine: 'engine', quality: '101', z: 'f1', wires: [[]] },
  ]);
  const recorder = new NodeRecorder(helper.getNode('snap') as TestNode);
  assert.match(recorder.errors[0] ?? '', /^quality: must be <= 100/);
  assert.equal(recorder.lastStatus?.fill, 'red');
});
