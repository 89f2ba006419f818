/**
 * The player page's overlay as a phone shows it (390x844, Chromium) against the real CLI: it
 * fits the screen, names the mosaic, says why a camera is offline, hides by a tap, and on a wrong
 * token says so, stops asking the server and takes the right one (issue 17, item 8).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { sleep, waitFor } from '../helpers/wait';

const chromiumPath = '/usr/bin/chromium';
const cli = join(__dirname, '..', '..', 'src', 'core', 'cli.js');
const directory = mkdtempSync(join(tmpdir(), 'mosaic-overlay-'));
const token = 'right-token-4711';
const phone = { width: 390, height: 844 };

let child: ChildProcess | undefined;
let output = '';
let baseUrl = '';
let browser: Browser | undefined;

before(async () => {
  if (!existsSync(chromiumPath)) {
    throw new Error(`${chromiumPath} is missing: run scripts/setup.sh --test (Debian's chromium package)`);
  }
  const config = {
    // Long names, as people give them, so that a line of tiles is wider than a phone.
    cameras: [
      { name: 'front-door-camera', url: 'demo:color?c=red&size=320x180&rate=25' },
      { name: 'back-garden-camera', url: 'demo:color?c=lime&size=320x180&rate=25' },
      { name: 'driveway-camera', url: 'demo:color?c=blue&size=320x180&rate=25' },
      // Nothing listens on port 1: refused at every try.
      { name: 'porch-camera', url: 'rtsp://127.0.0.1:1/porch' },
    ],
    mosaics: [
      {
        name: 'kitchen',
        output: { width: 640, height: 360, fps: 25, bitrate: 800_000 },
        layout: { preset: 'grid', rows: 2, columns: 2 },
      },
    ],
    server: { token },
  };
  const path = join(directory, 'mosaic.json');
  writeFileSync(path, JSON.stringify(config));
  const env = { ...process.env, CAMERA_MOSAIC_LOG: 'info' };
  const started = spawn(process.execPath, [cli, '--config', path, '--port', '0', '--host', '127.0.0.1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  child = started;
  started.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  started.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  baseUrl = await waitFor(
    'the serving line',
    () => /serving the mosaic at (http:\/\/\S+)/.exec(output)?.[1],
    15_000,
  );
  baseUrl = baseUrl.replace(/\/$/, '');
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      // Chromium leaves loopback out of its ICE candidates unless told; the test host has only loopback.
      '--allow-loopback-in-peer-connection',
    ],
  });
});

after(async () => {
  await browser?.close();
  child?.kill('SIGKILL');
  rmSync(directory, { recursive: true, force: true });
});

/** Every request the page sends to the server, with when it left. */
function recordRequests(page: Page): { url: string; at: number }[] {
  const sent: { url: string; at: number }[] = [];
  page.on('request', (request) => {
    if (request.url().startsWith(baseUrl)) sent.push({ url: request.url(), at: Date.now() });
  });
  return sent;
}

const text = (page: Page, id: string) => page.evaluate(`document.getElementById('${id}').textContent`);

test('a wrong token: the overlay says so, the page stops asking, and the right one typed in plays', async () => {
  assert.ok(browser);
  const page = await browser.newPage({ viewport: phone });
  try {
    const sent = recordRequests(page);
    await page.goto(`${baseUrl}/#token=not-the-token`, { timeout: 10_000 });
    await page.waitForFunction(`/wrong token/.test(document.getElementById('status').textContent)`, null, {
      timeout: 10_000,
    });
    assert.ok(await page.isVisible('#token'), 'a field to type the token in');
    // Requests already under way when the first refusal came back may still land.
    await sleep(500);
    const settled = sent.length;
    await sleep(3500);
    assert.deepEqual(
      sent.slice(settled).map((r) => r.url),
      [],
      'no request to the server after the refusal',
    );
    assert.match(String(await text(page, 'status')), /wrong token/, 'still saying why');

    await page.fill('#token', token);
    await page.click('#token-form button[type="submit"]');
    await page.waitForFunction(`document.querySelector('video').videoWidth === 640`, null, {
      timeout: 15_000,
    });
    assert.equal(new URL(page.url()).hash, `#token=${token}`);
  } finally {
    await page.close();
  }
});

test('on a 390x844 phone the overlay fits the screen, names the mosaic and says why a camera is offline', async () => {
  assert.ok(browser);
  const page = await browser.newPage({ viewport: phone });
  try {
    await page.goto(`${baseUrl}/#token=${token}`, { timeout: 10_000 });
    await page.waitForFunction(`document.querySelector('video').videoWidth > 0`, null, { timeout: 15_000 });
    await page.waitForFunction(
      `/porch-camera \\w+ \\d+ fps: \\S/.test(document.getElementById('tiles').textContent) && /driveway-camera live/.test(document.getElementById('tiles').textContent)`,
      null,
      { timeout: 15_000 },
    );
    assert.match(String(await text(page, 'name')), /kitchen/);
    assert.match(await page.title(), /kitchen/);
    const porch = /porch-camera [^\n]*/.exec(String(await text(page, 'tiles')))?.[0] ?? '';
    assert.match(porch, /refused/i, `the reason: ${porch}`);

    const layout = (await page.evaluate(`(() => {
      const overlay = document.getElementById('overlay');
      const boxes = [overlay, ...overlay.querySelectorAll('*')]
        .filter((e) => e.getClientRects().length > 0)
        .map((e) => { const r = e.getBoundingClientRect(); return { id: e.id || e.tagName, left: r.left, right: r.right }; });
      return {
        width: innerWidth,
        beyond: boxes.filter((b) => b.left < 0 || b.right > innerWidth + 0.5),
        overlayScrolls: overlay.scrollWidth > overlay.clientWidth,
        pageScrolls: document.documentElement.scrollWidth > innerWidth,
        indented: /^[ \\t]{2,}/m.test(overlay.innerText),
      };
    })()`)) as {
      width: number;
      beyond: unknown[];
      overlayScrolls: boolean;
      pageScrolls: boolean;
      indented: boolean;
    };
    assert.deepEqual(
      layout,
      { width: 390, beyond: [], overlayScrolls: false, pageScrolls: false, indented: false },
      'nothing runs off the screen, and no source indentation shows',
    );

    // No keyboard on a phone: a tap on the picture hides the overlay, the button brings it back.
    await page.click('video');
    assert.equal(await page.isVisible('#overlay'), false, 'hidden by a tap on the picture');
    await page.click('#show');
    assert.equal(await page.isVisible('#overlay'), true, 'shown again');
    await page.click('#hide');
    assert.equal(await page.isVisible('#overlay'), false, 'hidden by its button');
    await page.keyboard.press('s');
    assert.equal(await page.isVisible('#overlay'), true, 's shows it again');
    assert.ok(await page.isVisible('text=press s'), 'the overlay says how to hide it');
  } finally {
    await page.close();
  }
});
