/**
 * The plugin's settings form in the real Homebridge UI (homebridge-config-ui-x 5.10), in headless
 * Chromium, as a new user fills it in: one camera, a layout, Save, restart Homebridge; the camera
 * accessory is then published with no config error. Once with no layout (a grid of all cameras),
 * then with each layout preset; and a config that an older version of the form saved, which the
 * plugin cleans instead of refusing.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { assertTileColour, grabRtspFrame } from '../fixtures/pixels';
import { freePort, RtspCamera } from '../fixtures/rtspCamera';
import { findCamera, pairWithBridge } from '../helpers/hapCamera';
import { type HomebridgeChild, HomebridgeUi } from '../helpers/homebridgeUi';

const chromiumPath = '/usr/bin/chromium';

/** What a user chooses under Layout, and the camera names the preset then asks for. */
interface LayoutChoice {
  preset: string;
  cameras?: number;
  camera?: boolean;
}

const presets: LayoutChoice[] = [
  { preset: 'grid' },
  { preset: 'classic4', cameras: 4 },
  { preset: 'focus', camera: true },
  { preset: '1+N', cameras: 2 },
  { preset: 'auto', cameras: 2 },
];

describe('the Homebridge UI settings form', () => {
  let ui: HomebridgeUi | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let homebridge: HomebridgeChild | undefined;
  const camera = new RtspCamera({ width: 320, height: 180, fps: 10, colour: '2040c0' });
  const pageErrors: string[] = [];

  before(async () => {
    // A missing browser fails every test here with this reason; none passes by skipping.
    if (!existsSync(chromiumPath))
      throw new Error(`no ${chromiumPath}: apt-get install chromium (scripts/setup.sh does)`);
    await camera.start();
    ui = await HomebridgeUi.start();
    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.route(
      (url) => url.hostname !== '127.0.0.1',
      (route) => route.abort(),
    );
  });

  after(async () => {
    await homebridge?.stop();
    await browser?.close();
    await ui?.dispose();
    await camera.stop();
  });

  /** The plugin's card → Plugin Config, as a user opens it; resolves with the dialog. */
  async function openSettings(): Promise<Locator> {
    await page.goto(`${ui?.url}/plugins`);
    const card = page.locator('.card', { hasText: 'homebridge-camera-mosaic' });
    await card.locator('a[aria-label="Plugin Actions Dropdown"]').click();
    await card.locator('button', { hasText: 'Plugin Config' }).click();
    const dialog = page.locator('ngb-modal-window');
    await dialog.locator('input[name="url"]').first().waitFor();
    return dialog;
  }

  /** A fieldset of the dialog by its legend (`Output`, `Cameras in order`). */
  function fieldset(dialog: Locator, legend: string): Locator {
    return dialog
      .locator('fieldset')
      .filter({ has: page.locator('legend', { hasText: new RegExp(`^\\s*${legend}\\s*$`) }) })
      .first();
  }

  /** One camera, a small output (typed into number fields), the layout; then Save. */
  async function fillAndSave(dialog: Locator, layout: LayoutChoice | undefined): Promise<void> {
    await dialog.locator('input[name="name"]').nth(1).fill('door');
    await dialog.locator('input[name="url"]').first().fill(camera.url);
    const output = fieldset(dialog, 'Output');
    await output.locator('legend').click();
    for (const [field, value] of [
      ['width', '320'],
      ['height', '180'],
      ['fps', '10'],
    ]) {
      const input = output.locator(`input[name="${field}"]`);
      assert.equal(await input.getAttribute('type'), 'number', `output.${field} is a number field`);
      await input.fill(value);
    }
    if (layout !== undefined) {
      await dialog.locator('select[name="preset"]').first().selectOption({ label: layout.preset });
      const names = fieldset(dialog, 'Cameras in order');
      for (let i = 0; i < (layout.cameras ?? 0); i += 1) {
        if (i > 0) await names.locator('button', { hasText: /add camera name/i }).click();
        await names.locator(`input[name="${i}"]`).fill('door');
      }
      if (layout.camera === true) await dialog.locator('input[name="camera"]').first().fill('door');
    }
    const saved = page.waitForResponse(
      (response) =>
        response.url().includes('/api/config-editor/plugin/') && response.request().method() === 'POST',
    );
    await dialog.locator('button', { hasText: 'Save' }).click();
    assert.ok((await saved).ok(), 'the UI saved the config');
  }

  /** Homebridge restarted on the saved config; resolves once the mosaic runs. */
  async function restartHomebridge(): Promise<HomebridgeChild> {
    await homebridge?.stop();
    homebridge = ui?.startHomebridge();
    assert.ok(homebridge);
    await homebridge.waitForLog(/(added|restored) camera accessory "Camera Mosaic"/, 60_000);
    await homebridge.waitForLog(/\[stitcher\] started/, 60_000);
    await homebridge.waitForLog(/Homebridge .* is running on port/, 30_000);
    assert.doesNotMatch(homebridge.log, /invalid config|the camera stays off/);
    return homebridge;
  }

  test('one camera and Save: the camera accessory is published after the restart', async () => {
    ui?.writePlatform(undefined);
    const dialog = await openSettings();
    const help = await dialog.innerText();
    assert.match(help, /demo:<lavfi source>/, 'the URL help keeps <lavfi source>');
    const tiles = fieldset(dialog, 'Explicit tiles \\(optional\\)');
    assert.equal(await tiles.locator('input').first().isVisible(), false, 'no empty tile form under None');
    await fillAndSave(dialog, undefined);
    const saved = ui?.platform() ?? {};
    assert.deepEqual(saved['output'], { width: 320, height: 180, fps: 10 }, 'only what was typed');
    assert.equal(saved['layout'], undefined, 'no layout leftovers');
    const running = await restartHomebridge();
    const client = await pairWithBridge(ui?.bridgeUsername ?? '', ui?.bridgePort ?? 0);
    try {
      assert.ok(await findCamera(client), `no camera accessory; log tail:\n${running.log.slice(-3000)}`);
    } finally {
      await client.close();
    }
    assert.deepEqual(pageErrors, []);
  });

  for (const layout of presets) {
    test(`the ${layout.preset} preset and Save: the camera accessory is published`, async () => {
      ui?.writePlatform(undefined);
      await fillAndSave(await openSettings(), layout);
      assert.equal((ui?.platform()?.['layout'] as { preset?: string } | undefined)?.preset, layout.preset);
      await restartHomebridge();
    });
  }

  test('the RTSP server ticked, with a port and a login, and Save: an NVR plays the mosaic over RTSP', async () => {
    ui?.writePlatform(undefined);
    const dialog = await openSettings();
    const rtsp = fieldset(dialog, 'RTSP server');
    await rtsp.locator('legend').click();
    const port = await freePort();
    const password = 'form-rtsp-secret';
    await rtsp.locator('input[name="enabled"]').check();
    await rtsp.locator('input[name="port"]').fill(String(port));
    await rtsp.locator('input[name="host"]').fill('127.0.0.1');
    await rtsp.locator('input[name="username"]').fill('nvr');
    const passwordInput = rtsp.locator('input[name="password"]');
    assert.equal(await passwordInput.getAttribute('type'), 'password', 'the password is masked as typed');
    await passwordInput.fill(password);
    await fillAndSave(dialog, undefined);
    const saved = ui?.platform()?.['server'] as { rtsp?: unknown } | undefined;
    assert.deepEqual(saved?.rtsp, { enabled: true, port, host: '127.0.0.1', username: 'nvr', password });
    const running = await restartHomebridge();
    await running.waitForLog(new RegExp(`serving mosaic .* on port ${port} \\(login nvr\\)`), 30_000);
    const frame = await grabRtspFrame(`rtsp://nvr:${password}@127.0.0.1:${port}/mosaic`, {
      timeoutMs: 20_000,
    });
    assertTileColour(frame, { x: 0, y: 0, width: frame.width, height: frame.height }, '2040c0');
    assert.equal(running.log.includes(password), false, 'the password is never logged');
    assert.deepEqual(pageErrors, []);
  });

  test('a config an older form saved: cleaned, the camera accessory is published', async () => {
    // What config.schema.json before issue 17 made the UI save for one camera and Save.
    const tile = { rotateMs: 10000, stream: 'auto', label: false, clock: false, fit: 'stretch' };
    const layout = { fit: 'stretch', holdMs: 10000, quietMs: 30000, tiles: [tile] };
    const labels = { names: false, clock: false, position: 'bottom-left' };
    const output = {
      width: 320,
      height: 180,
      fps: 10,
      bitrate: 4000000,
      gop: 50,
      preset: 'ultrafast',
      profile: 'baseline',
    };
    const outputs = [{ transport: 'tcp', payloadType: 96 }];
    ui?.writePlatform({
      name: 'Camera Mosaic',
      cameras: [
        { name: 'door', url: camera.url, motion: { enabled: true, sensitivity: 50 }, transport: 'tcp' },
      ],
      layout,
      labels,
      output,
      staleTimeoutMs: 10000,
      mainStreamIdleMs: 10000,
      outputs,
      mosaics: [{ layout, labels, output, outputs }],
    });
    const running = await restartHomebridge();
    assert.match(running.log, /ignored what the settings form left empty or hidden: .*layout\.tiles\[0\]/);
    assert.match(running.log, /outputs\[0\]/);
    assert.match(running.log, /mosaics\[0\]/);
  });
});
