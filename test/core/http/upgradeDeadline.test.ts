/**
 * The header deadline (slowloris) ends with the headers: an MSE player's WebSocket, which fires
 * no 'request', used to be cut when the deadline ran out (10 s by default) however much it was
 * playing. A connection that never finishes its headers is still cut.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import { WebSocket, WebSocketServer } from 'ws';
import { HttpServer } from '../../../src/core/http/httpServer';
import { createLogger } from '../../../src/core/logger';
import { sleep } from '../../helpers/wait';

const headersTimeoutMs = 400;
const sockets = new WebSocketServer({ noServer: true });
let server: HttpServer;
let port = 0;

before(async () => {
  server = new HttpServer([], {
    host: '127.0.0.1',
    port: 0,
    logger: createLogger('test', () => undefined),
    headersTimeoutMs,
    upgrades: [
      {
        path: /^\/stream$/,
        handle: (req, socket, head) =>
          sockets.handleUpgrade(req, socket, head, (ws) => {
            const ticker = setInterval(() => ws.send('tick'), 50);
            ws.on('close', () => clearInterval(ticker));
          }),
      },
    ],
  });
  port = (await server.listen()).port;
});

after(async () => {
  sockets.close();
  await server.close();
});

test('a WebSocket stays open past the header deadline, receiving all along', async () => {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/stream`);
  let messages = 0;
  let closedAfterMs: number | undefined;
  const opened = Date.now();
  ws.on('message', () => messages++);
  ws.on('close', () => (closedAfterMs = Date.now() - opened));
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  await sleep(headersTimeoutMs * 4);
  assert.equal(closedAfterMs, undefined, `closed after ${closedAfterMs} ms`);
  assert.ok(messages >= 20, `${messages} messages`);
  ws.close();
});

test('a connection that never finishes its headers is still cut at the deadline', async () => {
  const socket = connect({ host: '127.0.0.1', port });
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write('GET /stream HTTP/1.1\r\nHost: 127.0.0.1\r\n');
  const closed = new Promise<number>((resolve) => {
    const at = Date.now();
    socket.once('close', () => resolve(Date.now() - at));
  });
  socket.on('error', () => undefined);
  const afterMs = await Promise.race([closed, sleep(headersTimeoutMs * 5).then(() => -1)]);
  socket.destroy();
  assert.ok(afterMs >= 0, 'cut');
  assert.ok(afterMs < headersTimeoutMs * 3, `cut after ${afterMs} ms`);
});
