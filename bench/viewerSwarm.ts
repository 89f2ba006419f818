/**
 * N WHEP viewers in one process (apart from the server, so their cost is not the server's):
 * connects them, waits until each has a keyframe, prints `READY`, counts for SECONDS, prints one
 * JSON line of what they received, and closes them.
 * usage: node dist/bench/viewerSwarm.js ENDPOINT N SECONDS
 */
import { WhepClient } from '../test/helpers/whepClient';
import { waitFor } from '../test/helpers/wait';

async function main(): Promise<void> {
  const [endpoint, count, seconds] = process.argv.slice(2);
  const clients: WhepClient[] = [];
  try {
    for (let i = 0; i < Number(count); i++) clients.push(await WhepClient.connect(endpoint, { keepUnits: false }));
    await waitFor('every viewer to play', () => clients.every((c) => c.counters.firstKeyframeAt > 0), 30000);
    const before = clients.map((c) => ({ ...c.counters }));
    process.stdout.write('READY\n');
    await new Promise((resolve) => setTimeout(resolve, Number(seconds) * 1000));
    const received = clients.map((c, i) => ({
      frames: c.counters.frames - before[i].frames,
      brokenFrames: c.counters.brokenFrames - before[i].brokenFrames,
      packets: c.counters.packets - before[i].packets,
      lostPackets: c.counters.lostPackets - before[i].lostPackets,
    }));
    process.stdout.write(`${JSON.stringify(received)}\n`);
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
