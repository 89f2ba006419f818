import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, test } from 'node:test';
import type { HttpClient } from 'hap-controller';
import { decodeJpeg, meanColour } from '../fixtures/pixels';
import { colourMosaicConfig, colours, quadrantColours } from '../helpers/colourMosaic';
import { hapTypes, pairWithBridge, shortType } from '../helpers/hapCamera';
import { HomebridgeProcess } from '../helpers/homebridgeRunner';
import { sleep, waitFor } from '../helpers/wait';

/**
 * Issue 11: one camera accessory per mosaic. A bridge that had the one-mosaic camera gets
 * `mosaics`: the first mosaic keeps the cached accessory (same UUID, so the pairing survives),
 * the second is added, each answers snapshots from its own mosaic; a mosaic dropped from the
 * config loses its accessory on the next start.
 */
let storageDir: string | undefined;
const running: HomebridgeProcess[] = [];

after(async () => {
  await Promise.all(running.map((hb) => hb.stop()));
  if (storageDir) rmSync(storageDir, { recursive: true, force: true });
});

/** Camera accessories by name (AccessoryInformation's Name). */
async function camerasByName(client: HttpClient): Promise<Map<string, number>> {
  const { accessories } = await client.getAccessories();
  const found = new Map<string, number>();
  for (const accessory of accessories) {
    const services = accessory.services;
    if (!services.some((s) => shortType(s.type) === hapTypes.cameraRtpStreamManagement)) continue;
    const name = services
      .flatMap((s) => s.characteristics)
      .find((c) => shortType(c.type ?? '') === hapTypes.name)?.value;
    found.set(String(name), accessory.aid);
  }
  return found;
}

const base = colourMosaicConfig(640, 360);
const { cameras } = base;

test(
  'two mosaics are two camera accessories, each with its own snapshots; the first keeps the old UUID',
  { timeout: 180_000 },
  async () => {
    // 1. The one-mosaic plugin, as a user had it.
    const first = await HomebridgeProcess.start({ platform: { name: 'Mosaic', ...base } });
    running.push(first);
    storageDir = first.storageDir;
    await first.waitForLog(/added camera accessory "Mosaic"/, 30_000);
    await first.waitForLog(/Homebridge .* is running on port/, 30_000);
    await first.stop();

    // 2. Two mosaics over the same four cameras.
    const twoMosaics = {
      name: 'Mosaic',
      cameras,
      mosaics: [
        { name: 'kitchen', output: base.output, layout: base.layout },
        {
          name: 'hall',
          output: { width: 480, height: 270, fps: 15, bitrate: 500_000 },
          layout: { preset: 'focus', camera: 'blue' },
        },
      ],
    };
    const second = await HomebridgeProcess.start({ platform: twoMosaics, storageDir });
    running.push(second);
    await second.waitForLog(/restored camera accessory "Mosaic kitchen" from the cache/, 30_000);
    await second.waitForLog(/added camera accessory "Mosaic hall"/, 30_000);
    await second.waitForLog(/Homebridge .* is running on port/, 30_000);
    await second.waitForLog(/\[stitcher:hall\] started/, 15_000);
    assert.equal(second.log.match(/started 4 cameras/g)?.length, 1, 'the cameras are opened once for both');
    const client = await pairWithBridge(second.username, second.port);
    try {
      const found = await camerasByName(client);
      assert.deepEqual(
        [...found.keys()].sort(),
        ['Mosaic', 'Mosaic hall'],
        'the cached accessory keeps its name',
      );
      await waitFor('cameras live', () => /camera yellow: live/.test(second.log), 15_000);
      await sleep(500);
      const kitchen = await decodeJpeg(await client.getImage(640, 360, found.get('Mosaic')));
      assert.deepEqual([kitchen.width, kitchen.height], [640, 360]);
      assert.deepEqual(quadrantColours(kitchen), ['red', 'lime', 'blue', 'yellow'], 'the kitchen grid');
      const hall = await decodeJpeg(await client.getImage(480, 270, found.get('Mosaic hall')));
      assert.deepEqual([hall.width, hall.height], [480, 270]);
      for (const [x, y] of [
        [0, 0],
        [240, 135],
      ]) {
        const mean = meanColour(hall, { x, y, width: 240, height: 135 }, 16);
        const distance = Math.max(...mean.map((v, i) => Math.abs(v - colours.blue[i])));
        assert.ok(distance < 60, `the hall shows blue full screen, got ${mean.join(',')} at ${x},${y}`);
      }
    } finally {
      await client.close();
    }
    await second.stop();

    // 3. The hall mosaic removed from the config: its accessory goes, the kitchen's stays.
    const third = await HomebridgeProcess.start({
      platform: { ...twoMosaics, mosaics: twoMosaics.mosaics.slice(0, 1) },
      storageDir,
    });
    running.push(third);
    await third.waitForLog(/removed 1 cached accessory\(ies\) no longer configured/, 30_000);
    await third.waitForLog(/restored camera accessory "Mosaic kitchen" from the cache/, 30_000);
    assert.doesNotMatch(third.log, /added camera accessory/);
    await third.stop();
  },
);
