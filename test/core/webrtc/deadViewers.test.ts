import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { RTCPeerConnection } from 'werift';
import { Engine } from '../../../src/core/engine';
import { h264Codecs, iceOptionsForHost, viewerPeerConfig } from '../../../src/core/webrtc/peerConfig';
import { colourMosaicConfig, recordingSink } from '../../helpers/colourMosaic';
import { waitFor } from '../../helpers/wait';
import { WhepClient } from '../../helpers/whepClient';
import { withoutDefaultStun } from '../../../src/core/webrtc/noDefaultStun';

const logs: string[] = [];
let engine: Engine;
const peers: RTCPeerConnection[] = [];
const clients: WhepClient[] = [];

before(async () => {
  engine = new Engine(colourMosaicConfig(320, 180), {
    port: 0,
    host: '127.0.0.1',
    logSink: recordingSink(logs),
    viewerConnectTimeoutMs: 1500,
    viewerDisconnectTimeoutMs: 1000,
  });
  await engine.start();
});

after(async () => {
  await Promise.all([...peers.map((pc) => pc.close()), ...clients.map((c) => c.close())]);
  await engine?.close();
});

test('an offer whose peer never connects is dropped after the connect timeout', async () => {
  const pc = new RTCPeerConnection({
    ...viewerPeerConfig(iceOptionsForHost('127.0.0.1', [])),
    codecs: { video: h264Codecs() },
  });
  peers.push(pc);
  pc.addTransceiver('video', { direction: 'recvonly' });
  withoutDefaultStun(pc);
  await pc.setLocalDescription(await pc.createOffer());
  // Close before anything can connect: the server answered a peer that will never appear.
  const sdp = pc.localDescription?.sdp ?? '';
  await pc.close();
  const response = await fetch(`${engine.url}/whep`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/sdp' },
    body: sdp,
  });
  assert.equal(response.status, 201);
  assert.equal(engine.stats().clients, 1);
  await waitFor('the never-connected viewer to be dropped', () => engine.stats().clients === 0, 5000);
  assert.ok(
    logs.some((l) => /closed \((ICE\/DTLS did not connect in time|ICE or DTLS failed)\)/.test(l)),
    logs.join('\n'),
  );
});

test('a viewer that vanishes without DELETE is cleaned up', async () => {
  const client = await WhepClient.connect(`${engine.url}/whep`);
  clients.push(client);
  await waitFor('frames', () => client.units.length >= 5, 8000);
  await client.vanish();
  await waitFor('the vanished viewer to be dropped', () => engine.stats().clients === 0, 15_000);
  assert.ok(
    logs.some((l) => /closed \((no RTCP|disconnected|ICE or DTLS failed)/.test(l)),
    logs.join('\n'),
  );
});

test('an event loop stalled longer than the silence limit does not drop a live viewer', async () => {
  const client = await WhepClient.connect(`${engine.url}/whep`);
  clients.push(client);
  await waitFor('frames', () => client.units.length >= 5, 8000);
  // Three times the 1 s limit without the event loop turning (a long GC, an overloaded machine):
  // the viewer's reports wait in its socket, read only after the timers have run.
  const stalledUntil = Date.now() + 3000;
  while (Date.now() < stalledUntil) {
    // busy: nothing else in this process runs
  }
  const unitsAfterStall = client.units.length;
  await waitFor('frames after the stall', () => client.units.length >= unitsAfterStall + 25, 5000);
  assert.equal(engine.stats().clients, 1, logs.slice(-5).join('\n'));
  await client.close();
  await waitFor('the viewer gone', () => engine.stats().clients === 0, 5000);
});
