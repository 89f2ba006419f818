import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { runFfmpeg } from '../../fixtures/pixels';
import { waitFor } from '../../helpers/wait';
import { startRtspFixture, streamName, type RtspFixture } from './rtspFixture';

const clients = 20;
/** Four seconds at 25 fps. */
const framesEach = 100;
const frameTicks = 90_000 / 25;
let fixture: RtspFixture | undefined;

before(async () => {
  fixture = await startRtspFixture({ maxClients: clients });
});

after(async () => {
  await fixture?.stop();
});

/** The pts of every video packet ffmpeg copied (framecrc: `stream, dts, pts, duration, size, crc`). */
function packetPts(framecrc: string): number[] {
  return framecrc
    .split('\n')
    .filter((line) => line.startsWith('0,'))
    .map((line) => Number(line.split(',')[2]));
}

test(`${clients} ffmpeg clients at once each get every frame, with continuous pts`, async () => {
  const url = `${fixture?.base}${streamName}`;
  const pulls = Array.from({ length: clients }, (_, i) =>
    runFfmpeg(
      [
        '-rtsp_transport',
        i % 2 === 0 ? 'tcp' : 'udp',
        '-i',
        url,
        '-frames:v',
        String(framesEach),
        '-c',
        'copy',
        '-f',
        'framecrc',
        '-',
      ],
      { timeoutMs: 40_000 },
    ),
  );
  const allPlaying = waitFor(
    'every client playing',
    () => fixture?.server.stats().clients === clients,
    20_000,
    50,
  );
  const outputs = await Promise.all(pulls);
  await allPlaying;
  outputs.forEach((output, i) => {
    const pts = packetPts(output.toString('latin1'));
    assert.equal(pts.length, framesEach, `client ${i}: ${pts.length} frames`);
    // From the second packet on: ffmpeg's H.264 parser gives the first frame after a join the
    // same pts as the keyframe it joined on (0, 0, 3600, …), whatever the RTP timestamps say.
    const gaps = pts.slice(2).filter((p, j) => p - pts[j + 1] !== frameTicks);
    assert.deepEqual(gaps, [], `client ${i}: a frame missing or out of order`);
  });
  const stats = fixture?.server.stats().streams[streamName];
  assert.equal(stats?.skippedToKeyframe, 0, 'nobody fell behind');
});

test('past maxClients a SETUP is a 503, and the limit frees up as clients leave', async () => {
  await waitFor('every earlier session ended', () => fixture?.server.stats().sessions === 0, 10_000);
  const url = `${fixture?.base}${streamName}`;
  // Sessions held open by ffmpeg processes reading slowly (-re paces them), then one more.
  const holders = Array.from({ length: clients }, () =>
    runFfmpeg(['-rtsp_transport', 'tcp', '-i', url, '-t', '6', '-c', 'copy', '-f', 'null', '-'], {
      timeoutMs: 30_000,
    }),
  );
  await waitFor('the server full', () => fixture?.server.stats().sessions === clients, 20_000, 50);
  await assert.rejects(
    runFfmpeg(['-rtsp_transport', 'tcp', '-i', url, '-frames:v', '1', '-f', 'null', '-'], {
      timeoutMs: 15_000,
    }),
    /503|Service Unavailable/,
  );
  assert.ok((fixture?.server.stats().rejected.full ?? 0) >= 1, 'the refusal is counted');
  await Promise.all(holders);
  await waitFor('the sessions freed', () => fixture?.server.stats().sessions === 0, 10_000);
  const after = await runFfmpeg(['-rtsp_transport', 'tcp', '-i', url, '-frames:v', '1', '-f', 'null', '-'], {
    timeoutMs: 15_000,
  });
  assert.ok(after !== undefined, 'a new client plays again');
});
