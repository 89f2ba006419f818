import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { RTCPeerConnection } from 'werift';
import { h264Codecs, iceOptionsForHost, viewerPeerConfig } from '../../src/core/webrtc/peerConfig';
import { colourMosaicConfig } from '../helpers/colourMosaic';
import { waitFor } from '../helpers/wait';
import { WhepClient } from '../helpers/whepClient';
import { CliRunner, type CliRun } from './18-cli';
import { withoutDefaultStun } from '../../src/core/webrtc/noDefaultStun';

// Issue 18, item 7: cheap requests that hurt. 64 full-canvas tiles were accepted (24 → 9.5 fps);
// an offer with 300 media sections took 9.6 s and blocked the event loop up to 3 s; 20 offers
// never followed by ICE gave every real viewer 503 for 15 s, renewable forever.
const runner = new CliRunner();
const clients: WhepClient[] = [];
let run: CliRun;
let base = '';

before(async () => {
  // The default maxViewers (20): the number of half-open offers that used to fill it.
  run = runner.start(colourMosaicConfig(320, 180));
  base = await run.url();
});

after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  runner.close();
});

async function putLayout(layout: unknown): Promise<{ status: number; body: string }> {
  const response = await fetch(`${base}/api/layout`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(layout),
  });
  return { status: response.status, body: await response.text() };
}

async function postOffer(sdp: string): Promise<{ status: number; body: string }> {
  const response = await fetch(`${base}/whep`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/sdp' },
    body: sdp,
  });
  return { status: response.status, body: await response.text() };
}

/** A real offer from a werift peer that is closed at once: its ICE never comes. */
async function abandonedOffer(sections = 1): Promise<string> {
  const pc = new RTCPeerConnection({
    ...viewerPeerConfig(iceOptionsForHost('127.0.0.1', [])),
    codecs: { video: h264Codecs() },
  });
  for (let i = 0; i < sections; i++) pc.addTransceiver('video', { direction: 'recvonly' });
  withoutDefaultStun(pc);
  await pc.setLocalDescription(await pc.createOffer());
  const sdp = pc.localDescription?.sdp ?? '';
  await pc.close();
  return sdp;
}

test('64 full-canvas tiles, and a tile smaller than 16x16, are 400s naming the field', async () => {
  const before = await (await fetch(`${base}/api/layout`)).text();
  const full = { camera: 'red', x: 0, y: 0, width: 320, height: 180 };
  const stacked = await putLayout({ tiles: Array.from({ length: 64 }, () => full) });
  assert.equal(stacked.status, 400, stacked.body.slice(0, 300));
  assert.match(stacked.body, /"field":"layout\.tiles".*64\.0 canvases in total; at most 4/);
  const tiny = await putLayout({ tiles: [full, { camera: 'lime', x: 0, y: 0, width: 8, height: 8 }] });
  assert.equal(tiny.status, 400, tiny.body);
  assert.match(tiny.body, /"field":"layout\.tiles\[1\]".*too small \(8x8\)/);
  assert.equal(await (await fetch(`${base}/api/layout`)).text(), before, 'the layout on screen is unchanged');
  // A picture-in-picture stays allowed.
  const pip = await putLayout({ tiles: [full, { camera: 'lime', x: 224, y: 116, width: 96, height: 64 }] });
  assert.equal(pip.status, 200, pip.body);
});

test('an offer with 300 media sections is a 400 before werift parses it', async () => {
  const offer = await abandonedOffer(1);
  // Short sections, so that 300 fit in the 64 KiB body limit (about 27 KiB).
  const section = (mid: number) =>
    `m=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=mid:${mid}\r\na=recvonly\r\n` +
    'a=rtcp-mux\r\na=rtpmap:96 H264/90000\r\n';
  const huge = offer + Array.from({ length: 299 }, (_, i) => section(i + 1)).join('');
  const started = Date.now();
  const answer = await postOffer(huge);
  const tookMs = Date.now() - started;
  assert.equal(answer.status, 400, answer.body);
  assert.match(answer.body, /300 media sections; at most 4/);
  assert.ok(tookMs < 1000, `took ${tookMs} ms`);
  assert.equal((await fetch(`${base}/stats`)).status, 200);
});

test('20 offers never followed by ICE do not keep a real viewer out', async () => {
  const statuses: number[] = [];
  for (let i = 0; i < 20; i++) statuses.push((await postOffer(await abandonedOffer())).status);
  assert.ok(
    statuses.every((s) => s === 201 || s === 503),
    statuses.join(' '),
  );
  const stats = (await (await fetch(`${base}/stats`)).json()) as { clients: number };
  assert.ok(stats.clients <= 10, `${stats.clients} half-open viewers held (budget 10 of 20 seats)`);
  const viewer = await WhepClient.connect(`${base}/whep`);
  clients.push(viewer);
  await waitFor('the real viewer to get video', () => viewer.units.length >= 10, 15_000);
  assert.match(run.output(), /evicted: answered, never connected, seat needed/);
});
