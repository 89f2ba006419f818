import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { Engine } from '../../src/core/engine';
import { colourMosaicConfig } from '../helpers/colourMosaic';
import { waitFor } from '../helpers/wait';
import { WhepClient } from '../helpers/whepClient';
import { reportFigures, scaled } from './soakScale';

// A hostile page in the viewer's own browser, with no token set (the default on a home network):
// round after round it tries to read the mosaic and its stats, to change the layout, to open WHEP
// sessions with "simple" requests the browser sends without asking, to read the snapshot's pixels
// through a canvas, and to reach the server under a rebound name. None may succeed, and a viewer
// watching the same server must not notice.
const rounds = scaled(20, 500);
const chromiumPath = '/usr/bin/chromium';
let engine: Engine;
let attacker: Server;
let attackerUrl = '';
let browser: Browser;

before(async () => {
  if (!existsSync(chromiumPath)) {
    throw new Error(`${chromiumPath} is missing: run scripts/setup.sh --test (Debian's chromium package)`);
  }
  engine = new Engine(colourMosaicConfig(320, 180), { port: 0, host: '127.0.0.1', logSink: () => undefined });
  await engine.start();
  attacker = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end('<!doctype html><title>a page elsewhere</title>');
  });
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`;
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    // rebound.example resolves to 127.0.0.1, as a name rebound by its owner's DNS would.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--host-resolver-rules=MAP rebound.example 127.0.0.1',
    ],
  });
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => (attacker ? attacker.close(resolve) : resolve(undefined)));
  await engine?.close();
});

/** The attack, run in the hostile page: counts what it could read or change, and what was refused. */
const attack = (server: string, rounds: number) => `(async () => {
  const server = ${JSON.stringify(server)};
  const tally = { read: [], refused: 0, blindSent: 0, canvasRead: 0, canvasTainted: 0 };
  const tryRead = async (path, init) => {
    try {
      const response = await fetch(server + path, init);
      tally.read.push(path + ' ' + response.status);
    } catch {
      tally.refused++;
    }
  };
  const offer = 'v=0\\r\\no=- 0 0 IN IP4 127.0.0.1\\r\\ns=-\\r\\nt=0 0\\r\\n';
  for (let i = 0; i < ${rounds}; i++) {
    await tryRead('/stats');
    await tryRead('/snapshot.jpg');
    await tryRead('/api/layout');
    await tryRead('/api/layout', {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ preset: 'focus', camera: 'blue' }),
    });
    // "Simple" requests: the browser sends them without a preflight; only the server can refuse.
    for (const path of ['/whep', '/api/layout']) {
      await fetch(server + path, { method: 'POST', mode: 'no-cors', headers: { 'Content-Type': 'text/plain' }, body: offer });
      tally.blindSent++;
    }
    // An <img> may show a cross-origin picture, but its pixels must stay out of the page's reach.
    const image = new Image();
    image.src = server + '/snapshot.jpg?round=' + i;
    const shown = await new Promise((resolve) => { image.onload = () => resolve(true); image.onerror = () => resolve(false); });
    if (shown) {
      const canvas = document.createElement('canvas');
      canvas.width = 8; canvas.height = 8;
      const context = canvas.getContext('2d');
      context.drawImage(image, 0, 0, 8, 8);
      try { context.getImageData(0, 0, 1, 1); tally.canvasRead++; } catch { tally.canvasTainted++; }
    }
  }
  return tally;
})()`;

interface Tally {
  read: string[];
  refused: number;
  blindSent: number;
  canvasRead: number;
  canvasTainted: number;
}

test(`a hostile page, ${rounds} rounds of attacks: nothing read, nothing changed, the viewer unharmed`, async () => {
  const layoutBefore = JSON.stringify(engine.stitcher.tiles);
  const viewer = await WhepClient.connect(`${engine.url}/whep`, { keepUnits: false });
  await waitFor('the steady viewer to play', () => viewer.counters.frames > 10, 5000);
  const framesBefore = viewer.counters.frames;
  const started = Date.now();

  const page = await browser.newPage();
  await page.goto(attackerUrl);
  const tally = (await page.evaluate(attack(engine.url, rounds))) as Tally;
  await page.close();

  // The same page's origin rebound to this server's address: every answer is 421.
  const port = new URL(engine.url).port;
  const rebound = await browser.newPage();
  const rebinds: number[] = [];
  for (const path of ['/', '/stats', '/snapshot.jpg', '/api/layout']) {
    rebinds.push((await rebound.goto(`http://rebound.example:${port}${path}`))?.status() ?? 0);
  }
  await rebound.close();

  const attackMs = Date.now() - started;
  const viewerFrames = viewer.counters.frames - framesBefore;
  const maxFrameGapMs = viewer.counters.maxFrameGapMs;
  await viewer.close();
  const figures = {
    rounds,
    attackMs,
    readByThePage: tally.read.length,
    refusedByTheBrowser: tally.refused,
    blindRequestsSent: tally.blindSent,
    snapshotPixelsRead: tally.canvasRead,
    canvasTainted: tally.canvasTainted,
    reboundStatuses: [...new Set(rebinds)],
    viewerFramesDuringAttack: viewerFrames,
    viewerMaxFrameGapMs: maxFrameGapMs,
  };
  reportFigures('hostile-page', figures);

  assert.deepEqual(tally.read, [], 'the page read nothing');
  assert.equal(tally.refused, rounds * 4);
  assert.equal(tally.canvasRead, 0, 'the snapshot never reached the page as pixels');
  assert.deepEqual(rebinds, [421, 421, 421, 421], 'a rebound name is refused');
  assert.equal(JSON.stringify(engine.stitcher.tiles), layoutBefore, 'the layout is unchanged');
  assert.equal(engine.stats().clients, 0, 'no WHEP session was opened by the blind POSTs');
  // 25 fps: the viewer kept receiving pictures all along (no stall of a second or more).
  assert.ok(viewerFrames >= (attackMs / 40) * 0.5, `${viewerFrames} frames in ${attackMs} ms`);
  assert.ok(maxFrameGapMs < 1000, `longest frame gap ${maxFrameGapMs} ms`);
});
