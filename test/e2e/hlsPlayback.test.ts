/**
 * hls.js (from npm, not ours) in Chromium plays the colour mosaic's HLS: fMP4 segments through
 * MSE, 640x360, frames flowing, every colour in its tile, low-latency (parts) close to live.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { startFmp4Fixture, type Fmp4Fixture } from '../core/fmp4/fmp4Fixture';
import { launchChromium, lookAt, nameQuadrants, staticFiles } from './fmp4Browser';

const hlsPage = `<!doctype html><video autoplay muted playsinline></video>
<script src="hls.min.js"></script>
<script>
  const video = document.querySelector('video');
  const errors = (window.hlsErrors = []);
  const hls = (window.hls = new Hls());
  hls.on(Hls.Events.ERROR, (_event, data) => errors.push(data.details + (data.fatal ? ' (fatal)' : '')));
  // What the video did, for a failure's message: its events with the time and what was buffered.
  const events = (window.videoEvents = []);
  const t0 = performance.now();
  for (const name of ['loadedmetadata', 'playing', 'waiting', 'stalled', 'seeking', 'seeked', 'pause'])
    video.addEventListener(name, () => {
      const b = video.buffered;
      const ranges = [...Array(b.length).keys()].map((i) => b.start(i).toFixed(2) + '-' + b.end(i).toFixed(2));
      events.push(Math.round(performance.now() - t0) + ' ms ' + name + ' at ' + video.currentTime.toFixed(2) + ' [' + ranges + ']');
    });
  hls.loadSource('hls/index.m3u8');
  hls.attachMedia(video);
</script>`;
let fixture: Fmp4Fixture | undefined;
let browser: Browser | undefined;

before(async () => {
  fixture = await startFmp4Fixture({ extra: staticFiles({ 'hls.html': hlsPage }) });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await fixture?.stop();
});

test('hls.js in Chromium plays the HLS: 640x360, frames flowing, every colour in its tile', async (t) => {
  assert.ok(fixture && browser);
  const page = await browser.newPage();
  try {
    const openedAt = Date.now();
    await page.goto(`${fixture.base}/hls.html`, { timeout: 10_000 });
    // Playing, not only its metadata known: hls.js has the size from the init segment before it
    // has buffered enough at the live edge (less PART-HOLD-BACK) to play.
    await page.waitForFunction(
      `(v => v.videoWidth > 0 && v.readyState >= 3 && !v.paused)(document.querySelector('video'))`,
      null,
      { timeout: 20_000 },
    );
    t.diagnostic(`first picture ${Date.now() - openedAt} ms after opening the page`);
    const look = await lookAt(page);
    assert.equal(`${look.width}x${look.height}`, '640x360');
    const history = async () =>
      `; video events: ${((await page.evaluate('window.videoEvents')) as string[]).join(', ')}; ` +
      `hls.js errors: ${((await page.evaluate('window.hlsErrors')) as string[]).join(', ')}`;
    assert.ok(look.frames >= 20, `${look.frames} frames in 2 s${await history()}`);
    assert.deepEqual(nameQuadrants(look.quadrants), ['red', 'lime', 'blue', 'yellow']);
    const fatal = ((await page.evaluate('window.hlsErrors')) as string[]).filter((e) => e.includes('fatal'));
    assert.deepEqual(fatal, []);
    // LL-HLS: hls.js holds back PART-HOLD-BACK (0.6 s) plus what is on its way, not 3 segments (6 s).
    const latency = (await page.evaluate('window.hls.latency')) as number;
    t.diagnostic(`hls.js plays ${latency.toFixed(2)} s behind the live edge`);
    assert.ok(latency > 0 && latency < 2.5, `${latency} s behind the live edge`);
    assert.equal(fixture.hls.stats().active, true);
    assert.ok(fixture.hls.stats().clients >= 1);
  } finally {
    await page.close();
  }
});
