import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { Engine } from '../../src/core/engine';
import { colourMosaicConfig, recordingSink } from '../helpers/colourMosaic';

// Issue 18, item 3: a page from another origin (another port of 127.0.0.1, as any web page the
// user opens would be) tried to read /stats and /snapshot.jpg and to change the layout; and a
// name rebound to 127.0.0.1 (DNS rebinding) loaded the server as its own origin.
const chromiumPath = '/usr/bin/chromium';
const logs: string[] = [];
let engine: Engine | undefined;
let attacker: Server | undefined;
let attackerUrl = '';
let browser: Browser | undefined;

before(async () => {
  // A missing fixture fails the suite with the way out; it never passes by skipping.
  if (!existsSync(chromiumPath)) {
    throw new Error(`${chromiumPath} is missing: run scripts/setup.sh --test (Debian's chromium package)`);
  }
  engine = new Engine(colourMosaicConfig(320, 180), {
    port: 0,
    host: '127.0.0.1',
    logSink: recordingSink(logs),
  });
  await engine.start();
  attacker = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end('<!doctype html><title>elsewhere</title>');
  });
  await new Promise<void>((resolve) => attacker?.listen(0, '127.0.0.1', resolve));
  attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`;
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    // evil.example resolves to 127.0.0.1, as a rebound name would.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--host-resolver-rules=MAP evil.example 127.0.0.1',
    ],
  });
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => (attacker ? attacker.close(resolve) : resolve(undefined)));
  await engine?.close();
});

/** What the page's script got: a status it could read, or the error that stopped it. */
const attempt = (target: string, init: Record<string, unknown> = {}) => `(async () => {
  try {
    const response = await fetch(${JSON.stringify(target)}, ${JSON.stringify(init)});
    return 'read ' + response.status + ' ' + (await response.text()).slice(0, 40);
  } catch (error) {
    return 'refused: ' + error.message;
  }
})()`;

test('a page from another origin can neither read the mosaic nor change its layout', async () => {
  assert.ok(engine && browser);
  const before = JSON.stringify(engine.stitcher.tiles);
  const page = await browser.newPage();
  await page.goto(attackerUrl);
  for (const path of ['/stats', '/snapshot.jpg', '/api/layout']) {
    assert.match(String(await page.evaluate(attempt(`${engine.url}${path}`))), /^refused/, path);
  }
  const layout = JSON.stringify({ preset: 'grid', cameras: ['blue'] });
  const put = { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: layout };
  assert.match(String(await page.evaluate(attempt(`${engine.url}/api/layout`, put))), /^refused/);
  // A request the browser sends without asking (no-cors, a "simple" POST) still gets a 403.
  const blind = { method: 'POST', mode: 'no-cors', headers: { 'Content-Type': 'text/plain' }, body: 'v=0' };
  await page.evaluate(attempt(`${engine.url}/whep`, blind));
  assert.equal(JSON.stringify(engine.stitcher.tiles), before, 'the layout is unchanged');
  assert.equal(engine.stats().clients, 0);
  await page.close();
});

test('a rebound name (Host: evil.example) is refused with 421', async () => {
  assert.ok(engine && browser);
  const page = await browser.newPage();
  const port = new URL(engine.url).port;
  const response = await page.goto(`http://evil.example:${port}/stats`);
  assert.equal(response?.status(), 421);
  assert.match(await page.content(), /is not served here/);
  await page.close();
});

test('the page at / still reads /stats on its own origin', async () => {
  assert.ok(engine && browser);
  const page = await browser.newPage();
  await page.goto(engine.url);
  assert.match(String(await page.evaluate(attempt('/stats'))), /^read 200/);
  await page.close();
});
