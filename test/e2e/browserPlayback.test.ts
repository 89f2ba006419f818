import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { demoConfig } from '../../src/core/demoConfig';
import { Engine } from '../../src/core/engine';
import { waitFor } from '../helpers/wait';
import { recordingSink } from '../helpers/colourMosaic';

const chromiumPath = '/usr/bin/chromium';

/** Runs in the page (a string, since this project compiles without the DOM library). */
const countFramesFor2s = `(async () => {
  const video = document.querySelector('video');
  const start = video.getVideoPlaybackQuality().totalVideoFrames;
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const frames = video.getVideoPlaybackQuality().totalVideoFrames - start;
  return { width: video.videoWidth, height: video.videoHeight, frames };
})()`;
const logs: string[] = [];
let engine: Engine | undefined;
let browser: Browser | undefined;
/** A dashboard on another origin, listed in server.corsOrigins; its page is set by the test. */
let dashboardPage = '';
const dashboard = createServer((_req, res) =>
  res.writeHead(200, { 'Content-Type': 'text/html' }).end(dashboardPage),
);

before(async () => {
  // A missing browser fails the suite with the way out; it never passes by skipping.
  if (!existsSync(chromiumPath))
    throw new Error(`no ${chromiumPath}: apt-get install chromium (scripts/setup.sh does)`);
  await new Promise<void>((resolve) => dashboard.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(dashboard.address() as AddressInfo).port}`;
  const config = { ...demoConfig(), server: { corsOrigins: [origin] } };
  engine = new Engine(config, { port: 0, host: '127.0.0.1', logSink: recordingSink(logs) });
  await engine.start();
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // Chromium leaves loopback out of its ICE candidates unless told; the test host has only loopback.
      '--allow-loopback-in-peer-connection',
      '--no-first-run',
    ],
  });
});

after(async () => {
  dashboard.closeAllConnections();
  await new Promise((resolve) => dashboard.close(resolve));
  await browser?.close();
  await engine?.close();
});

test('headless Chromium plays the 1920x1080 demo from the page: ≥ 20 frames within 2 s of playing', async (t) => {
  assert.ok(engine && browser);
  const page = await browser.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  const openedAt = Date.now();
  await page.goto(engine.url, { timeout: 10_000 });
  await page.waitForFunction(`document.querySelector('video').videoWidth > 0`, null, { timeout: 15_000 });
  t.diagnostic(`first picture ${Date.now() - openedAt} ms after opening the page`);
  const result = (await page.evaluate(countFramesFor2s)) as {
    width: number;
    height: number;
    frames: number;
  };
  assert.equal(result.width, 1920);
  assert.equal(result.height, 1080);
  assert.ok(result.frames >= 20, `decoded ${result.frames} frames in 2 s`);
  t.diagnostic(`${result.frames} frames decoded in the first 2 s of playing`);
  assert.equal(engine.stats().clients, 1);
  // The overlay polls /stats.
  await page.waitForFunction(`/1920x1080/.test(document.getElementById('numbers').textContent)`, null, {
    timeout: 5000,
  });
  assert.deepEqual(pageErrors, []);
  // Past the server's RTCP-silence limit (5 s): the browser's receiver reports keep it alive.
  await new Promise((resolve) => setTimeout(resolve, 4000));
  const later = (await page.evaluate(countFramesFor2s)) as { frames: number };
  assert.ok(later.frames >= 20, `still playing 8 s in: ${later.frames} frames in 2 s`);
  assert.equal(engine.stats().clients, 1, 'the same viewer, never dropped');
  await page.close();
  // pagehide sends the WHEP DELETE; a closed tab's peer also ends by ICE timeout.
  await waitFor('the viewer to leave', () => engine?.stats().clients === 0, 10_000);
});

test('a page on an origin in server.corsOrigins plays through WHEP (CORS)', async () => {
  assert.ok(engine && browser);
  // Another port is another origin; its page imports our player from the engine.
  dashboardPage = `<!doctype html><video id="v" autoplay muted playsinline></video><script type="module">
    import { WhepPlayer } from '${engine.url}/whepPlayer.js';
    new WhepPlayer(document.getElementById('v'), { endpoint: '${engine.url}/whep' }).start();
  </script>`;
  const tab = await browser.newPage();
  const { port } = dashboard.address() as AddressInfo;
  await tab.goto(`http://127.0.0.1:${port}/`, { timeout: 10_000 });
  await tab.waitForFunction(`document.getElementById('v').videoWidth === 1920`, null, {
    timeout: 15_000,
  });
  await tab.close();
  await waitFor('the viewer to leave', () => engine?.stats().clients === 0, 10_000);
});

test('the page reconnects by itself when the server ends its session', async (t) => {
  assert.ok(engine && browser);
  const tab = await browser.newPage();
  try {
    await tab.goto(engine.url, { timeout: 10_000 });
    await tab.waitForFunction(`document.querySelector('video').videoWidth > 0`, null, { timeout: 15_000 });
    const first = await waitFor('the viewer in /stats', () => engine?.stats().viewers[0]?.id, 5000);
    const endedAt = Date.now();
    assert.equal((await fetch(`${engine.url}/whep/${first}`, { method: 'DELETE' })).status, 200);
    const second = await waitFor(
      'a new session from the page',
      () => engine?.stats().viewers.find((v) => v.id !== first && v.state === 'live')?.id,
      20_000,
      50,
    );
    t.diagnostic(`playing again ${Date.now() - endedAt} ms after the server ended the session`);
    assert.notEqual(second, first);
    const later = (await tab.evaluate(countFramesFor2s)) as { frames: number };
    assert.ok(later.frames >= 20, `${later.frames} frames in 2 s after reconnecting`);
  } finally {
    await tab.close();
  }
  await waitFor('the viewer to leave', () => engine?.stats().clients === 0, 10_000);
});
