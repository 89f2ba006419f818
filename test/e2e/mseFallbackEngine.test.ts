/**
 * The Engine's own page over the Engine's own /mse, end to end: opened as
 * `/#token=…&transport=mse` (Chromium's WebRTC reaches a loopback server even without UDP, so the
 * fallback itself is proven in msePlayback.test.ts against a WHEP that never answers), it plays
 * MSE with every colour in its tile and says so; /stats counts the client; the token never shows
 * in the log though the WebSocket carries it in its URL.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { Engine } from '../../src/core/engine';
import { colourMosaicConfig, recordingSink } from '../helpers/colourMosaic';
import { waitFor } from '../helpers/wait';
import { launchChromium, lookAt, nameQuadrants } from './fmp4Browser';

const token = 'page-token-for-mse';
const logs: string[] = [];
let engine: Engine | undefined;
let browser: Browser | undefined;

before(async () => {
  engine = new Engine(colourMosaicConfig(640, 360, { server: { token } }), {
    port: 0,
    host: '127.0.0.1',
    logSink: recordingSink(logs),
  });
  await engine.start();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await engine?.close();
});

test("the Engine's page plays over the Engine's MSE, right colours, and says so", async (t) => {
  assert.ok(engine && browser);
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  try {
    const openedAt = Date.now();
    await page.goto(`${engine.url}/#token=${token}&transport=mse`, { timeout: 10_000 });
    await page.waitForFunction(`document.querySelector('video').videoWidth > 0`, null, { timeout: 25_000 });
    t.diagnostic(`first picture ${Date.now() - openedAt} ms after opening the page`);
    assert.match(String(await page.textContent('#transport')), /^MSE/);
    const look = await lookAt(page);
    assert.equal(`${look.width}x${look.height}`, '640x360');
    assert.ok(look.frames >= 20, `${look.frames} frames in 2 s`);
    assert.deepEqual(nameQuadrants(look.quadrants), ['red', 'lime', 'blue', 'yellow']);
    assert.equal(engine.stats().mse?.clients, 1, '/stats counts the MSE client');
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
  await waitFor('the MSE client gone', () => engine?.stats().mse?.clients === 0, 10_000);
  assert.ok(!logs.join('\n').includes(token), 'the token never shows in the log');
});
