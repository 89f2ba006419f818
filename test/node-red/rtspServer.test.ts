/**
 * The engine dialog's RTSP server: the checkbox, port and user name in the node, the password a
 * credential. Ticked, an NVR pulls the mosaic with that login; unticked, no port opens.
 */
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { engineDocument } from '../../src/node-red/engineDocument';
import type { MosaicEngineNode } from '../../src/node-red/engineClient';
import { grabRtspFrame } from '../fixtures/pixels';
import { quadrantColours } from '../helpers/colourMosaic';
import {
  engineDef,
  freePort,
  helper,
  mosaicNodes,
  NodeRecorder,
  type TestNode,
} from '../helpers/nodeRedHelper';
import { waitFor } from '../helpers/wait';

const password = 'node-red-rtsp-secret';

afterEach(async () => {
  await helper.unload();
});

test('engineDocument: server.rtsp only while ticked, the password from the credentials', () => {
  const fields = { rtspPort: '8555', rtspUsername: 'nvr' };
  const ticked = engineDocument({ cameras: [], rtsp: true, ...fields }, { rtspPassword: 'pw' });
  assert.deepEqual((ticked.config['server'] as { rtsp?: unknown }).rtsp, {
    port: 8555,
    username: 'nvr',
    password: 'pw',
  });
  const unticked = engineDocument({ cameras: [], rtsp: false, ...fields }, { rtspPassword: 'pw' });
  assert.equal((unticked.config['server'] as { rtsp?: unknown }).rtsp, undefined);
  const open = engineDocument({ cameras: [], rtsp: true, rtspUsername: '' }, { rtspPassword: '' });
  assert.deepEqual((open.config['server'] as { rtsp?: unknown }).rtsp, {}, 'no login: open, port 8554');
});

test('ticked in a deployed flow: an RTSP client with the login plays the mosaic; without it, 401; the password is never logged', async () => {
  const port = await freePort();
  const rtspPort = await freePort();
  const flow = [
    engineDef(port, { rtsp: true, rtspPort: String(rtspPort), rtspUsername: 'nvr' }),
    { id: 'status', type: 'mosaic-status', engine: 'engine', interval: 0, z: 'f1', wires: [[], []] },
  ];
  await helper.load(mosaicNodes, flow, { engine: { rtspPassword: password } });
  const engine = helper.getNode('engine') as unknown as MosaicEngineNode;
  const recorder = new NodeRecorder(engine as unknown as TestNode);
  const logged: string[] = [];
  for (const level of ['log', 'warn', 'error'])
    (engine as unknown as TestNode).on(`call:${level}`, (call) => logged.push(String(call.args[0])));
  await waitFor('the engine running', () => engine.mosaic.running, 20_000);
  // Running comes true before the servers listen; the start it shares resolves once they do.
  await engine.mosaic.start();

  const frame = await grabRtspFrame(`rtsp://nvr:${password}@127.0.0.1:${rtspPort}/mosaic`, {
    timeoutMs: 20_000,
  });
  assert.deepEqual([frame.width, frame.height], [640, 360]);
  assert.deepEqual(quadrantColours(frame), ['red', 'lime', 'blue', 'yellow']);
  await assert.rejects(grabRtspFrame(`rtsp://127.0.0.1:${rtspPort}/mosaic`), /401/);
  const everything = [...logged, ...recorder.errors].join('\n');
  assert.ok(!everything.includes(password), everything);
});
