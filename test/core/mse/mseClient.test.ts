/**
 * One MSE client against a stand-in socket whose queue the test sets: it starts on a keyframe
 * with the codec and init first, sends a new codec and init when the SPS changes, skips to the
 * next keyframe when its queue passes the bound, and is dropped when it stays there.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WebSocket } from 'ws';
import type { Fmp4Fragment, Fmp4Init } from '../../../src/core/fmp4/fmp4Muxer';
import { MseClient } from '../../../src/core/mse/mseClient';
import { sleep } from '../../helpers/wait';

const init = (id: number, codec: string): Fmp4Init => ({
  id,
  data: Buffer.from(`init ${id}`),
  codec,
  mimeType: `video/mp4; codecs="${codec}"`,
  width: 640,
  height: 360,
});

function fragment(n: number, keyframe: boolean, of: Fmp4Init): Fmp4Fragment {
  return { data: Buffer.from(`fragment ${n}`), keyframe, decodeTime: n * 3600, duration: 3600, init: of };
}

function setUp(limits = { maxBufferedBytes: 1000, stallDropMs: 50 }) {
  const sent: (string | Buffer)[] = [];
  const socket = {
    readyState: WebSocket.OPEN,
    bufferedAmount: 0,
    send: (data: string | Buffer) => sent.push(data),
  };
  const drops: string[] = [];
  let keyframeRequests = 0;
  const client = new MseClient(
    1,
    '127.0.0.1',
    socket as unknown as WebSocket,
    limits,
    () => keyframeRequests++,
    (_client, reason) => drops.push(reason),
  );
  const texts = () => sent.map((d) => (typeof d === 'string' ? `json ${JSON.parse(d).codec}` : d.toString()));
  return { client, socket, sent, drops, texts, keyframeRequests: () => keyframeRequests };
}

test('starts on a keyframe, codec and init first; a new SPS sends a new codec and init', () => {
  const { client, texts } = setUp();
  const first = init(1, 'avc1.42c01e');
  const second = init(2, 'avc1.42c01f');
  client.deliver(fragment(0, false, first));
  client.deliver(fragment(1, true, first));
  client.deliver(fragment(2, false, first));
  client.deliver(fragment(3, true, second));
  assert.deepEqual(texts(), [
    'json avc1.42c01e',
    'init 1',
    'fragment 1',
    'fragment 2',
    'json avc1.42c01f',
    'init 2',
    'fragment 3',
  ]);
  assert.equal(client.stats().fragmentsSent, 3);
});

test('past the bound it skips to the next keyframe (asking for one), and is dropped when it stays behind', async () => {
  const { client, socket, texts, drops, keyframeRequests } = setUp();
  const only = init(1, 'avc1.42c01e');
  client.deliver(fragment(0, true, only));
  socket.bufferedAmount = 5000;
  client.deliver(fragment(1, false, only));
  socket.bufferedAmount = 0;
  client.deliver(fragment(2, false, only));
  client.deliver(fragment(3, true, only));
  assert.deepEqual(texts(), ['json avc1.42c01e', 'init 1', 'fragment 0', 'fragment 3']);
  assert.equal(client.stats().skips, 1);
  assert.equal(keyframeRequests(), 1);
  assert.deepEqual(drops, []);

  socket.bufferedAmount = 5000;
  client.deliver(fragment(4, false, only));
  await sleep(80);
  client.deliver(fragment(5, false, only));
  assert.equal(drops.length, 1, 'behind for longer than stallDropMs');
  assert.match(drops[0], /5000 bytes unsent/);
});
