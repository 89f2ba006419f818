import assert from 'node:assert/strict';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { after, before, test } from 'node:test';
import { createLogger } from '../../../src/core/logger';
import { RtspServer } from '../../../src/core/rtsp/rtspServer';
import type { RtspStreamSource } from '../../../src/core/rtsp/rtspStream';
import { serveMosaics, type StitcherLike } from '../../../src/core/rtsp/stitcherSource';
import type { AccessUnit } from '../../../src/core/stitcher/stitcher';
import { recordingSink } from '../../helpers/colourMosaic';
import { sleep, waitFor } from '../../helpers/wait';
import { RawRtspClient, type RawResponse } from './rawRtspClient';
import { rtpFields, rtpInfo, senderReportSsrc, transportSsrc } from './rtpFields';

/**
 * Session life without an encoder: a source of made-up units (SPS, PPS and an IDR every 25th
 * and on request, as an encoder does, else a P slice; the server never decodes them) at 25 per
 * second, and one that never delivers.
 */
const startCode = Buffer.from([0, 0, 0, 1]);
const sps = Buffer.from([0x67, 0x42, 0xc0, 0x1f, 0xda, 0x02, 0x80, 0xbf]);
const pps = Buffer.from([0x68, 0xce, 0x3c, 0x80]);
const idr = Buffer.concat([Buffer.from([0x65, 0x88]), Buffer.alloc(3000, 0x11)]);
const slice = Buffer.from([0x41, 0x9a, 0x22, 0x33]);

class TickingSource implements RtspStreamSource {
  subscriptions = 0;
  keyframeRequests = 0;
  private readonly listeners = new Set<(unit: AccessUnit) => void>();
  private frame = 0;
  private keyframeDue = false;
  private readonly timer = setInterval(() => this.tick(), 40);

  subscribe(onUnit: (unit: AccessUnit) => void): () => void {
    this.subscriptions++;
    this.listeners.add(onUnit);
    return () => this.listeners.delete(onUnit);
  }

  get subscribed(): boolean {
    return this.listeners.size > 0;
  }

  requestKeyframe(): void {
    this.keyframeRequests++;
    this.keyframeDue = true;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private tick(): void {
    const keyframe = this.frame % 25 === 0 || this.keyframeDue;
    this.keyframeDue = false;
    const data = keyframe
      ? Buffer.concat([startCode, sps, startCode, pps, startCode, idr])
      : Buffer.concat([startCode, slice]);
    const unit = { data, pts: this.frame * 3600, keyframe };
    this.frame++;
    for (const listener of this.listeners) listener(unit);
  }
}

const source = new TickingSource();
const silent: RtspStreamSource = { subscribe: () => () => undefined, requestKeyframe: () => undefined };
const logLines: string[] = [];
const server = new RtspServer({
  port: 0,
  host: '127.0.0.1',
  sessionTimeoutMs: 2000,
  describeTimeoutMs: 800,
  logger: createLogger('rtsp', recordingSink(logLines)),
});
let base = '';

before(async () => {
  server.addStream('ticks', source);
  server.addStream('silent', silent);
  server.addAlias('mosaic', 'ticks');
  await server.listen();
  base = `rtsp://127.0.0.1:${server.port}/`;
});

after(async () => {
  await server.close();
  source.stop();
});

/** A UDP receiver on an even/odd pair, counting RTP and RTCP datagrams and keeping the first RTP one. */
async function udpReceiver(): Promise<{
  rtp: UdpSocket;
  rtcp: UdpSocket;
  ports: [number, number];
  counts: number[];
  firstRtp: () => Buffer | undefined;
}> {
  for (;;) {
    const rtp = createSocket('udp4');
    await new Promise<void>((resolve) => rtp.bind(0, '127.0.0.1', resolve));
    const port = rtp.address().port;
    const rtcp = createSocket('udp4');
    const bound = await new Promise<boolean>((resolve) => {
      rtcp.once('error', () => resolve(false));
      rtcp.bind(port + 1, '127.0.0.1', () => resolve(true));
    });
    if (bound) {
      const counts = [0, 0];
      let first: Buffer | undefined;
      rtp.on('message', (packet) => {
        counts[0]++;
        first ??= packet;
      });
      rtcp.on('message', () => counts[1]++);
      return { rtp, rtcp, ports: [port, port + 1], counts, firstRtp: () => first };
    }
    rtp.close();
  }
}

async function playUdp(
  client: RawRtspClient,
  ports: [number, number],
  path = 'ticks',
): Promise<{ session: string; setup: RawResponse; play: RawResponse }> {
  const setup = await client.request('SETUP', `${base}${path}/trackID=0`, {
    Transport: `RTP/AVP;unicast;client_port=${ports[0]}-${ports[1]}`,
  });
  assert.equal(setup.status, 200);
  assert.match(setup.headers.get('transport') ?? '', /server_port=\d+-\d+/);
  assert.match(setup.headers.get('session') ?? '', /;timeout=2$/);
  const session = setup.headers.get('session')?.split(';')[0] ?? '';
  const play = await client.request('PLAY', `${base}${path}`, { Session: session });
  assert.equal(play.status, 200);
  return { session, setup, play };
}

test('a UDP session without keep-alives is reaped after the session timeout; one with them lives on', async () => {
  const quiet = await udpReceiver();
  const kept = await udpReceiver();
  const quietClient = await RawRtspClient.connect(server.port);
  const keptClient = await RawRtspClient.connect(server.port);
  try {
    const quietAnswers = await playUdp(quietClient, quiet.ports);
    const keptAnswers = await playUdp(keptClient, kept.ports, 'mosaic');
    const keptSession = keptAnswers.session;
    await waitFor('RTP arriving', () => quiet.counts[0] > 10 && kept.counts[0] > 10, 5000, 20);
    // What the answers said is what came: RTP-Info names the first datagram, SETUP its SSRC.
    for (const [{ setup, play }, receiver, path] of [
      [quietAnswers, quiet, 'ticks'],
      [keptAnswers, kept, 'mosaic'],
    ] as const) {
      const first = rtpFields(receiver.firstRtp());
      const info = rtpInfo(play.headers.get('rtp-info'));
      assert.equal(info.url, `${base}${path}/trackID=0`, 'RTP-Info names the track set up');
      assert.deepEqual(
        [info.seq, info.rtptime],
        [first.seq, first.timestamp],
        'RTP-Info is the first packet',
      );
      assert.equal(transportSsrc(setup.headers.get('transport')), first.ssrc, 'SETUP said the SSRC');
      assert.notEqual(first.ssrc, 0);
    }
    assert.equal(
      rtpFields(quiet.firstRtp()).ssrc,
      rtpFields(kept.firstRtp()).ssrc,
      'an alias is the same stream',
    );
    const keepAlive = setInterval(
      () => void keptClient.request('GET_PARAMETER', base, { Session: keptSession }),
      700,
    );
    try {
      await waitFor('the quiet session reaped', () => logLines.some((l) => l.includes('(timed out)')), 6000);
      const before = [quiet.counts[0], kept.counts[0]];
      await sleep(1000);
      assert.equal(quiet.counts[0], before[0], 'no more RTP to the reaped session');
      assert.ok(kept.counts[0] > before[1] + 10, 'the kept session still receives');
      assert.equal(server.stats().streams['ticks'].clients, 1);
    } finally {
      clearInterval(keepAlive);
    }
  } finally {
    quietClient.destroy();
    keptClient.destroy();
    for (const socket of [quiet.rtp, quiet.rtcp, kept.rtp, kept.rtcp]) socket.close();
  }
  await waitFor('every session gone', () => server.stats().sessions === 0, 5000);
  await waitFor('the source unsubscribed', () => !source.subscribed, 2000);
});

test('the source is followed only while someone plays, a player asks for a keyframe and gets sender reports, all as SETUP and PLAY said', async () => {
  assert.equal(source.subscribed, false);
  const requestsBefore = source.keyframeRequests;
  const client = await RawRtspClient.connect(server.port);
  try {
    const setup = await client.request('SETUP', `${base}ticks/trackID=0`, {
      Transport: 'RTP/AVP/TCP;unicast',
    });
    assert.match(setup.headers.get('transport') ?? '', /interleaved=0-1/);
    assert.equal(source.subscribed, false, 'SETUP alone subscribes nothing');
    const session = setup.headers.get('session')?.split(';')[0] ?? '';
    const play = await client.request('PLAY', `${base}ticks`, { Session: session });
    assert.equal(play.packetsBefore, 0, 'no media before the PLAY answer');
    await waitFor('RTP arriving', () => (client.packets.get(0) ?? 0) > 5, 3000, 20);
    assert.ok(source.subscribed);
    assert.ok(source.keyframeRequests > requestsBefore, 'a keyframe was asked for');
    // RFC 2326 §12.33: RTP-Info is where this client's packets start (a keyframe), not a guess.
    const first = rtpFields(client.firstPackets.get(0));
    const info = rtpInfo(play.headers.get('rtp-info'));
    assert.equal(info.url, `${base}ticks/trackID=0`);
    assert.deepEqual([info.seq, info.rtptime], [first.seq, first.timestamp]);
    // RFC 2326 §12.39: SETUP's ssrc is the packets'.
    assert.equal(transportSsrc(setup.headers.get('transport')), first.ssrc);
    assert.notEqual(first.ssrc, 0);
    // RFC 3550 §6.4.1: sender reports on the RTCP channel, every 5 s, under the same SSRC.
    await waitFor('an RTCP sender report', () => (client.packets.get(1) ?? 0) > 0, 7000, 50);
    assert.equal(senderReportSsrc(client.firstPackets.get(1)), first.ssrc);
    assert.equal((await client.request('PAUSE', `${base}ticks`, { Session: session })).status, 200);
    assert.equal(source.subscribed, false, 'paused: unsubscribed');
    assert.equal((await client.request('TEARDOWN', `${base}ticks`, { Session: session })).status, 200);
    assert.equal((await client.request('PLAY', `${base}ticks`, { Session: session })).status, 454);
  } finally {
    client.destroy();
  }
});

test('DESCRIBE of a stream that delivers nothing is a 503 after the describe timeout', async () => {
  const client = await RawRtspClient.connect(server.port);
  try {
    const startedAt = Date.now();
    const response = await client.request('DESCRIBE', `${base}silent`);
    assert.equal(response.status, 503);
    assert.ok(Date.now() - startedAt >= 700, 'it waited for a keyframe first');
    const ticks = await client.request('DESCRIBE', `${base}mosaic`);
    assert.equal(ticks.status, 200, 'the alias is described');
    assert.match(ticks.body, /profile-level-id=42c01f/);
    assert.match(
      ticks.body,
      new RegExp(`sprop-parameter-sets=${sps.toString('base64')},${pps.toString('base64')}`),
    );
    assert.equal(ticks.headers.get('content-base'), `${base}mosaic/`);
  } finally {
    client.destroy();
  }
});

test('each stream has its own SSRC; PLAY with no keyframe in time is answered without RTP-Info', async () => {
  const client = await RawRtspClient.connect(server.port);
  try {
    const setupTicks = await client.request('SETUP', `${base}ticks/trackID=0`, {
      Transport: 'RTP/AVP/TCP;unicast',
    });
    const setupSilent = await client.request('SETUP', `${base}silent/trackID=0`, {
      Transport: 'RTP/AVP/TCP;unicast',
    });
    // Two sessions on one connection: the second SETUP names no session, so it is no second track (459).
    assert.deepEqual([setupTicks.status, setupSilent.status], [200, 200]);
    const ssrcs = [setupTicks, setupSilent].map((setup) => transportSsrc(setup.headers.get('transport')));
    assert.notEqual(ssrcs[0], ssrcs[1], 'two streams, two SSRCs');
    assert.ok(!ssrcs.includes(0));
    const startedAt = Date.now();
    const play = await client.request('PLAY', `${base}silent`, {
      Session: setupSilent.headers.get('session')?.split(';')[0] ?? '',
    });
    assert.equal(play.status, 200);
    assert.ok(Date.now() - startedAt >= 700, 'it waited for a keyframe first');
    assert.equal(play.headers.get('rtp-info'), undefined, 'no RTP-Info it could not know');
  } finally {
    client.destroy();
  }
  await waitFor('every session gone', () => server.stats().sessions === 0, 5000);
});

test('a connection that sets nothing up is closed after the session timeout, keep-alives or not', async () => {
  const client = await RawRtspClient.connect(server.port);
  const startedAt = Date.now();
  const keepAlive = setInterval(() => void client.request('OPTIONS', '*').catch(() => undefined), 500);
  try {
    await client.closed;
  } finally {
    clearInterval(keepAlive);
  }
  const elapsedMs = Date.now() - startedAt;
  assert.ok(elapsedMs >= 1800 && elapsedMs < 5000, `closed after ${elapsedMs} ms (timeout 2000)`);
});

test('serveMosaics serves every mosaic by name and the first at /mosaic, holding a lease while watched', () => {
  const leases: string[] = [];
  const fakeStitcher = (width: number) => {
    const listeners = new Set<(unit: AccessUnit) => void>();
    return {
      listeners,
      on: (_event: 'accessunit', listener: (unit: AccessUnit) => void) => listeners.add(listener),
      off: (_event: 'accessunit', listener: (unit: AccessUnit) => void) => listeners.delete(listener),
      want: (reason: string) => {
        leases.push(reason);
        return () => leases.splice(leases.indexOf(reason), 1);
      },
      requestKeyframe: () => undefined,
      mosaic: { output: { width, height: 360 } },
    };
  };
  const added: string[] = [];
  const sources = new Map<string, RtspStreamSource>();
  const host = {
    addStream: (name: string, s: RtspStreamSource) => {
      added.push(name);
      sources.set(name, s);
    },
    addAlias: (alias: string, name: string) => added.push(`${alias}→${name}`),
  };
  const kitchen = fakeStitcher(640);
  const garden = fakeStitcher(1280);
  serveMosaics(
    host,
    new Map([
      ['kitchen', kitchen],
      ['garden', garden],
    ]) as unknown as ReadonlyMap<string, StitcherLike>,
  );
  assert.deepEqual(added, ['kitchen', 'garden', 'mosaic→kitchen']);
  assert.deepEqual(sources.get('garden')?.size, { width: 1280, height: 360 });
  const unsubscribe = sources.get('kitchen')?.subscribe(() => undefined);
  assert.deepEqual(leases, ['rtsp']);
  assert.equal(kitchen.listeners.size, 1);
  unsubscribe?.();
  assert.deepEqual(leases, []);
  assert.equal(kitchen.listeners.size, 0);
  added.length = 0;
  serveMosaics(
    host,
    new Map([
      ['garden', garden],
      ['mosaic', kitchen],
    ]) as unknown as ReadonlyMap<string, StitcherLike>,
  );
  assert.deepEqual(added, ['garden', 'mosaic'], 'a mosaic named "mosaic" keeps its name');
});
