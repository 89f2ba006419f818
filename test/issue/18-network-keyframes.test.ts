import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { colourMosaicConfig } from '../helpers/colourMosaic';
import { sleep, waitFor } from '../helpers/wait';
import { WhepClient } from '../helpers/whepClient';
import { CliRunner } from './18-cli';

// Issue 18, item 6: a viewer sending a PLI every 10 ms turned 319 of 338 frames into IDRs for
// every viewer at the same bitrate: the picture turned to mush for all.
const runner = new CliRunner();
const clients: WhepClient[] = [];
after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  runner.close();
});

test('a PLI every 10 ms from one viewer gives another at most about two IDRs a second', async () => {
  // 25 fps with an IDR every 50 frames: 2 s between the encoder's own keyframes.
  const run = runner.start(colourMosaicConfig(320, 180));
  const base = await run.url();
  const attacker = await WhepClient.connect(`${base}/whep`);
  const bystander = await WhepClient.connect(`${base}/whep`);
  clients.push(attacker, bystander);
  await waitFor(
    'both viewers to receive video',
    () => attacker.units.length > 10 && bystander.units.length > 10,
    30_000,
  );
  const attackMs = 4000;
  const start = bystander.units.length;
  const attackerStart = attacker.units.length;
  const startedAt = Date.now();
  let plis = 0;
  while (Date.now() - startedAt < attackMs) {
    await attacker.sendPictureLoss();
    plis++;
    await sleep(10);
  }
  const seen = bystander.units.slice(start);
  const idrs = seen.filter((u) => u.keyframe).length;
  const figures = `${idrs} IDRs in ${seen.length} frames while the other viewer sent ${plis} PLIs`;
  assert.ok(seen.length >= 50, figures);
  // 500 ms between forced IDRs, plus the encoder's own every 2 s: 10 in 4 s, with room for timing.
  assert.ok(idrs <= 12, figures);
  assert.ok(idrs / seen.length < 0.25, figures);
  // Coalesced, not ignored: the viewer that lost its picture still gets keyframes.
  assert.ok(
    attacker.units.slice(attackerStart).some((u) => u.keyframe),
    'the attacker got no IDR at all',
  );
  process.stdout.write(`# keyframe flood: ${figures}\n`);
});
