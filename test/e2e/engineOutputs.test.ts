import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { after, before, test } from 'node:test';
import { Engine } from '../../src/core/engine';
import { waitFor } from '../helpers/wait';

// An output's state reaches /stats and /metrics, as a dashboard or alert would read it.
let engine: Engine;
let receiver: Socket;
let packets = 0;

before(async () => {
  receiver = createSocket('udp4');
  receiver.on('message', () => packets++);
  await new Promise<void>((resolve) => receiver.bind(0, '127.0.0.1', resolve));
  engine = new Engine(
    {
      cameras: [{ name: 'a', url: 'demo:color?c=red&size=320x180&rate=25' }],
      output: { width: 320, height: 180, fps: 25, bitrate: 500000, gop: 25 },
      outputs: [{ name: 'janus', type: 'rtp', host: '127.0.0.1', port: receiver.address().port }],
    },
    { port: 0, host: '127.0.0.1', logSink: () => undefined },
  );
  await engine.start();
});

after(async () => {
  await engine?.close();
  receiver?.close();
});

test('/stats and /metrics report each output', async () => {
  await waitFor('RTP to arrive', () => packets > 25, 5000);
  const stats = (await (await fetch(`${engine.url}/stats`)).json()) as {
    outputs: { name: string; state: string; bytes: number }[];
  };
  assert.equal(stats.outputs[0].name, 'janus');
  assert.equal(stats.outputs[0].state, 'live');
  assert.ok(stats.outputs[0].bytes > 0);
  const metrics = await (await fetch(`${engine.url}/metrics`)).text();
  assert.match(metrics, /camera_mosaic_output_up\{output="janus"\} 1/);
  assert.match(metrics, /camera_mosaic_output_sent_bytes_total\{output="janus"\} [1-9]/);
});
