/**
 * The RTSP server belongs to the media core, so every face serves it the same way (Homebridge has
 * no HTTP layer): it listens from a start to the next stop, `enabled: false` keeps its settings
 * but leaves it off, and a port in use fails the start with every camera stopped again.
 */
import assert from 'node:assert/strict';
import { connect, createServer, type Server } from 'node:net';
import { after, test } from 'node:test';
import { MediaCore } from '../../../src/core/media/mediaCore';
import { grabRtspFrame } from '../../fixtures/pixels';
import { colourMosaicConfig, quadrantColours, recordingSink } from '../../helpers/colourMosaic';

const logs: string[] = [];
const cores: MediaCore[] = [];
after(async () => {
  await Promise.all(cores.map((core) => core.close()));
});

function core(rtsp: unknown, options: { rtspPort?: number } = { rtspPort: 0 }): MediaCore {
  const config = colourMosaicConfig(320, 180, { server: { rtsp } });
  const made = new MediaCore(config, { ...options, rtspHost: '127.0.0.1', logSink: recordingSink(logs) });
  cores.push(made);
  return made;
}

/** Whether anything accepts a TCP connection on 127.0.0.1:`port`. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const client = connect({ host: '127.0.0.1', port });
    client.once('connect', () => {
      client.destroy();
      resolve(true);
    });
    client.once('error', () => resolve(false));
  });
}

test('with server.rtsp on, start() serves the mosaic over RTSP and stop() closes the port', async () => {
  const media = core({});
  await media.start();
  const port = media.rtspPort;
  assert.ok(port > 0, 'the RTSP server listens');
  const frame = await grabRtspFrame(`rtsp://127.0.0.1:${port}/mosaic`);
  assert.deepEqual(quadrantColours(frame), ['red', 'lime', 'blue', 'yellow']);

  await media.stop();
  assert.equal(media.rtspPort, 0);
  assert.equal(await accepts(port), false, 'the port is closed while stopped');

  await media.start();
  assert.ok(media.rtspPort > 0, 'a restart listens again');
  const again = await grabRtspFrame(`rtsp://127.0.0.1:${media.rtspPort}/mosaic`);
  assert.deepEqual(quadrantColours(again), ['red', 'lime', 'blue', 'yellow']);
  await media.close();
  assert.equal(media.rtsp, undefined);
});

test('enabled: false keeps the settings and leaves the server off; so does a config without server.rtsp', async () => {
  for (const rtsp of [{ enabled: false, port: 8554, username: 'nvr', password: 'pw' }, undefined, false]) {
    const media = core(rtsp);
    await media.start();
    assert.equal(media.rtsp, undefined, `server.rtsp ${JSON.stringify(rtsp)}`);
    assert.equal(media.rtspPort, 0);
    await media.close();
  }
});

test('enabled: false needs no login beside a token; enabled needs one', () => {
  const config = (rtsp: unknown) => colourMosaicConfig(320, 180, { server: { token: 't', rtsp } });
  assert.doesNotThrow(() => new MediaCore(config({ enabled: false })));
  assert.throws(
    () => new MediaCore(config({ enabled: true })),
    (error: unknown) => error instanceof Error && /server\.rtsp\.username/.test(error.message),
  );
});

test('the RTSP port in use: start() rejects naming it, and no camera or mosaic keeps running', async () => {
  const taken: Server = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const port = (taken.address() as { port: number }).port;
  try {
    const media = core({ port }, {});
    await assert.rejects(media.start(), /EADDRINUSE/);
    assert.equal(media.running, false);
    assert.equal(media.hub.running, false, 'the cameras stopped again');
    assert.equal(media.rtsp, undefined);
  } finally {
    await new Promise((resolve) => taken.close(resolve));
  }
});
