/**
 * A viewer makes the server talk to nobody but the viewer: werift's ICE falls back to
 * stun.l.google.com when no STUN server is configured, which looked up that name and sent it a
 * request for every viewer. Judged from outside the code under test: every name the process
 * looks up while a viewer (a werift peer, which falls back the same way) joins and plays.
 */
import assert from 'node:assert/strict';
import dns from 'node:dns';
import { isIP } from 'node:net';
import { after, before, test } from 'node:test';
import { Engine } from '../../../src/core/engine';
import { colourMosaicConfig, recordingSink } from '../../helpers/colourMosaic';
import { waitFor } from '../../helpers/wait';
import { WhepClient } from '../../helpers/whepClient';

const looked: string[] = [];
const originalLookup = dns.promises.lookup;
let engine: Engine;

before(async () => {
  // werift resolves STUN servers through dns.promises.lookup.
  dns.promises.lookup = ((hostname: string, ...rest: unknown[]) => {
    looked.push(hostname);
    return (originalLookup as (...args: unknown[]) => unknown).call(dns.promises, hostname, ...rest);
  }) as typeof dns.promises.lookup;
  engine = new Engine(colourMosaicConfig(320, 180), {
    port: 0,
    host: '127.0.0.1',
    logSink: recordingSink([]),
  });
  await engine.start();
});

after(async () => {
  dns.promises.lookup = originalLookup;
  await engine?.close();
});

test('a viewer joins and plays, and no name is looked up on the way', async () => {
  const client = await WhepClient.connect(`${engine.url}/whep`, { keepUnits: false });
  try {
    await waitFor('frames at the viewer', () => client.counters.frames >= 5, 15_000);
    const names = looked.filter((host) => isIP(host) === 0 && host !== 'localhost');
    assert.deepEqual(names, [], 'no name looked up (werift once asked for stun.l.google.com)');
  } finally {
    await client.close();
  }
});
