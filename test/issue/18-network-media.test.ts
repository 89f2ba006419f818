import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { colourMosaicConfig } from '../helpers/colourMosaic';
import { sleep, waitFor } from '../helpers/wait';
import { CliRunner } from './18-cli';
import { forgedDatagrams, RawViewer, sprayFromElsewhere } from './18-network-peer';

// Issue 18, item 1: one unauthenticated 15-byte DTLS alert, or a record of unknown type, sent
// from any address to a viewer's UDP port ended its video for good, while /stats still showed
// the viewer `live` with a bitrate, holding its maxViewers seat.
const runner = new CliRunner();
const viewers: RawViewer[] = [];
after(async () => {
  await Promise.all(viewers.map((v) => v.close()));
  runner.close();
});

interface StatsViewer {
  id: string;
  state: string;
  bitrate: number;
}

async function statsViewers(base: string): Promise<StatsViewer[]> {
  const stats = (await (await fetch(`${base}/stats`)).json()) as { viewers: StatsViewer[] };
  return stats.viewers;
}

async function packetsIn(viewer: RawViewer, ms: number): Promise<number> {
  const before = viewer.packets;
  await sleep(ms);
  return viewer.packets - before;
}

test('forged DTLS and SRTP from another port, or unsigned alerts from the viewer, do not stop its video', async () => {
  const run = runner.start({ ...colourMosaicConfig(320, 180), server: { maxViewers: 1 } });
  const base = await run.url();
  const viewer = await RawViewer.connect(`${base}/whep`);
  viewers.push(viewer);
  await waitFor('video to flow', () => viewer.packets >= 30, 15_000);
  const target = viewer.serverAddress();
  const forged = forgedDatagrams();
  // The attacker: another socket, so another source port (the LAN case, on loopback).
  await sprayFromElsewhere(
    target,
    forged.map((f) => f.datagram),
    5,
  );
  // The same forgeries from the viewer's own address and port: they pass the address check, so
  // only their missing DTLS authentication keeps them out.
  for (const { datagram } of forged.slice(0, 3)) await viewer.sendFromSelectedPair(datagram);
  await sleep(500);
  const flowing = await packetsIn(viewer, 2000);
  assert.ok(flowing >= 20, `only ${flowing} RTP packets in 2 s after the forged datagrams`);
  const [seen] = await statsViewers(base);
  assert.equal(seen?.state, 'live');
  assert.ok(seen.bitrate > 0, JSON.stringify(seen));
  assert.equal(run.child.exitCode, null, run.output());
  await viewer.close();
  viewers.pop();
});

test('a viewer whose DTLS session really ended is not shown live, frees its seat, and is reaped', async () => {
  const run = runner.start({ ...colourMosaicConfig(320, 180), server: { maxViewers: 1 } });
  const base = await run.url();
  const first = await RawViewer.connect(`${base}/whep`);
  viewers.push(first);
  await waitFor('video to flow', () => first.packets >= 30, 15_000);
  const [before] = await statsViewers(base);
  assert.equal(before?.state, 'live');
  // A genuine close_notify, signed with the session's keys: werift's sender stops for good.
  await first.sendAuthenticatedCloseNotify();
  await waitFor(
    'the stopped viewer to leave /stats',
    async () => (await statsViewers(base)).every((v) => v.state !== 'live'),
    5000,
  );
  await waitFor('the stopped viewer to be reaped', async () => (await statsViewers(base)).length === 0, 5000);
  assert.match(run.output(), /closed \(the sender stopped \(DTLS closed\)\)/);
  // Its maxViewers seat (1) is free again.
  const second = await RawViewer.connect(`${base}/whep`);
  viewers.push(second);
  await waitFor('video to the next viewer', () => second.packets >= 30, 15_000);
});
