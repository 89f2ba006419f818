import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { findCamera, pairWithBridge } from '../helpers/hapCamera';
import { HomebridgeProcess } from '../helpers/homebridgeRunner';
import { sleep } from '../helpers/wait';

/** A config the schema rejects: the bridge keeps running, the log names every bad field. */
let homebridge: HomebridgeProcess | undefined;

after(async () => {
  await homebridge?.dispose();
});

test(
  'an invalid config leaves Homebridge running, idle, with the reasons logged',
  { timeout: 60_000 },
  async () => {
    homebridge = await HomebridgeProcess.start({
      platform: {
        name: 'Camera Mosaic',
        cameras: [{ name: 'door', url: 'http://admin:hunter22@10.0.0.2/video' }],
        output: { width: 'wide' },
        extra: true,
      },
    });
    await homebridge.waitForLog(/invalid config for platform "CameraMosaic"/, 30_000);
    await homebridge.waitForLog(/Homebridge .* is running on port/, 30_000);
    const log = homebridge.log;
    assert.match(log, /cameras\[0\]\.url: must start with rtsp:\/\/, rtsps:\/\/ or demo:/);
    assert.match(log, /output\.width: /);
    assert.match(log, /extra: /);
    assert.ok(!log.includes('hunter22'), 'the password is masked');
    await sleep(1000);
    assert.ok(homebridge.alive, 'Homebridge still running');
    const client = await pairWithBridge(homebridge.username, homebridge.port);
    assert.equal(await findCamera(client), undefined, 'no camera published');
    await client.close();
  },
);
