/**
 * Chromium plays the colour mosaic through the MSE WebSocket endpoint: on a page of its own
 * (msePlayer.js), and on the real player page, which falls back to MSE by itself when WebRTC
 * cannot connect. The Engine does not mount /mse yet (its wiring is being rewritten), so this
 * test serves the page's files, /mse, a /stats stand-in and a WHEP endpoint that never answers
 * (as behind a proxy that drops it), with Chromium's WebRTC limited to proxied UDP (none).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { startFmp4Fixture, type Fmp4Fixture } from '../core/fmp4/fmp4Fixture';
import { waitFor } from '../helpers/wait';
import { launchChromium, lookAt, nameQuadrants, staticFiles } from './fmp4Browser';

const msePage = `<!doctype html><video autoplay muted playsinline></video><script type="module">
  import { MsePlayer } from './msePlayer.js';
  const states = (window.states = []);
  new MsePlayer(document.querySelector('video'), { endpoint: 'mse', onstate: (s) => states.push(s) }).start();
</script>`;
const stats = { mosaic: 'colours', resolution: '640x360', fps: 25, clients: 0, tiles: [], cameras: [] };
let fixture: Fmp4Fixture | undefined;
let browser: Browser | undefined;
let whepOffers = 0;

before(async () => {
  const files = staticFiles({ 'mse.html': msePage });
  fixture = await startFmp4Fixture({
    extra: (request, response) => {
      const path = new URL(request.url ?? '/', 'http://x').pathname;
      if (request.method === 'POST' && path === '/whep') {
        whepOffers++; // and never answered
        return true;
      }
      if (path === '/stats') {
        response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(stats));
        return true;
      }
      return files(request, response);
    },
  });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await fixture?.stop();
});

test('Chromium plays MSE over the WebSocket: 640x360, frames flowing, every colour in its tile', async () => {
  assert.ok(fixture && browser);
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  try {
    await page.goto(`${fixture.base}/mse.html`, { timeout: 10_000 });
    await page.waitForFunction(`document.querySelector('video').videoWidth > 0`, null, { timeout: 15_000 });
    const look = await lookAt(page);
    assert.equal(`${look.width}x${look.height}`, '640x360');
    assert.ok(look.frames >= 20, `${look.frames} frames in 2 s`);
    assert.deepEqual(nameQuadrants(look.quadrants), ['red', 'lime', 'blue', 'yellow']);
    assert.equal(fixture.mse.stats().clients, 1);
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
  await waitFor('the client gone', () => fixture?.mse.stats().clients === 0, 10_000);
});

test('the player page falls back to MSE when WebRTC cannot connect, and says so', async (t) => {
  assert.ok(fixture && browser);
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  try {
    const openedAt = Date.now();
    await page.goto(`${fixture.base}/`, { timeout: 10_000 });
    await page.waitForFunction(`document.querySelector('video').videoWidth > 0`, null, { timeout: 20_000 });
    t.diagnostic(`first picture ${Date.now() - openedAt} ms after opening the page`);
    assert.ok(whepOffers >= 1, 'WebRTC was tried first');
    assert.match(String(await page.textContent('#transport')), /^MSE/);
    await page.waitForFunction(`document.getElementById('status').textContent === 'playing'`, null, {
      timeout: 5000,
    });
    const look = await lookAt(page);
    assert.equal(`${look.width}x${look.height}`, '640x360');
    assert.ok(look.frames >= 20, `${look.frames} frames in 2 s`);
    assert.deepEqual(nameQuadrants(look.quadrants), ['red', 'lime', 'blue', 'yellow']);
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
  await waitFor('the client gone', () => fixture?.mse.stats().clients === 0, 10_000);
});
