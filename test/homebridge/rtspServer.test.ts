/**
 * A Homebridge user's mosaic also in an NVR: with `server.rtsp` in the platform block (what the
 * settings form's "RTSP server" fieldset writes), the plugin serves every mosaic over RTSP beside
 * the HomeKit camera, from the same media core; the login is required and never logged.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { grabRtspFrame } from '../fixtures/pixels';
import { freePort } from '../fixtures/rtspCamera';
import { colourMosaicConfig, quadrantColours } from '../helpers/colourMosaic';
import { HomebridgeProcess } from '../helpers/homebridgeRunner';

const password = 'homebridge-rtsp-secret';

describe('Homebridge platform with the RTSP server on', { timeout: 120_000 }, () => {
  let homebridge: HomebridgeProcess | undefined;
  let port = 0;

  before(async () => {
    port = await freePort();
    const rtsp = { enabled: true, port, host: '127.0.0.1', username: 'nvr', password };
    homebridge = await HomebridgeProcess.start({
      platform: { name: 'Camera Mosaic', ...colourMosaicConfig(320, 180), server: { rtsp } },
      childBridge: true,
    });
    await homebridge.waitForLog(/added camera accessory "Camera Mosaic"/, 30_000);
    await homebridge.waitForLog(
      new RegExp(`serving mosaic default at /mosaic and /default on port ${port} \\(login nvr\\)`),
      30_000,
    );
  });

  after(async () => {
    await homebridge?.dispose();
  });

  test('an RTSP client with the login plays the mosaic, each colour in its tile', async () => {
    const frame = await grabRtspFrame(`rtsp://nvr:${password}@127.0.0.1:${port}/mosaic`, {
      timeoutMs: 20_000,
    });
    assert.deepEqual([frame.width, frame.height], [320, 180]);
    assert.deepEqual(quadrantColours(frame), ['red', 'lime', 'blue', 'yellow']);
  });

  test('without the login: 401, and the password shows nowhere in the Homebridge log', async () => {
    await assert.rejects(grabRtspFrame(`rtsp://127.0.0.1:${port}/mosaic`), /401/);
    await assert.rejects(grabRtspFrame(`rtsp://nvr:wrong@127.0.0.1:${port}/mosaic`), /401/);
    assert.ok(homebridge?.log.includes('[rtsp]'), 'the RTSP server logs under its scope');
    assert.equal(homebridge?.log.includes(password), false);
  });
});
