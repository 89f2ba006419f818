/**
 * N WHEP viewers in a process of their own, apart from the server and from whatever else a test
 * does (werift's DTLS handshakes for other sessions would otherwise stall their event loop and
 * show up as frame gaps that the server never caused). Connects them, waits until each has a
 * keyframe, prints `READY`, counts for SECONDS (or, with `-`, until its stdin ends), prints one
 * JSON line of what each received in that window, and closes them. Their sockets get the larger
 * receive buffers that sharing one event loop among many viewers needs (viewerSocketBuffers.ts).
 * usage: node dist/test/helpers/viewerSwarm.js ENDPOINT N SECONDS|-
 */
import { enlargeUdpReceiveBuffers } from './viewerSocketBuffers';
import { waitFor } from './wait';
import { WhepClient } from './whepClient';

enlargeUdpReceiveBuffers(4 * 1024 * 1024);

/** What one viewer received between READY and the end of the window. */
export interface SwarmViewerFigures {
  frames: number;
  brokenFrames: number;
  packets: number;
  lostPackets: number;
  /** The longest wait between two whole frames, measured from READY on. */
  maxFrameGapMs: number;
}

function windowEnd(seconds: string): Promise<void> {
  if (seconds !== '-') return new Promise((resolve) => setTimeout(resolve, Number(seconds) * 1000));
  return new Promise((resolve) => {
    process.stdin.on('end', resolve).on('close', resolve).resume();
  });
}

async function main(): Promise<void> {
  const [endpoint, count, seconds] = process.argv.slice(2);
  const clients: WhepClient[] = [];
  try {
    for (let i = 0; i < Number(count); i++)
      clients.push(await WhepClient.connect(endpoint, { keepUnits: false }));
    await waitFor('every viewer to play', () => clients.every((c) => c.counters.firstKeyframeAt > 0), 30000);
    const before = clients.map((c) => ({ ...c.counters }));
    // The gap before READY (joining, waiting for the first keyframe) is not the steady state.
    for (const client of clients) client.counters.maxFrameGapMs = 0;
    process.stdout.write('READY\n');
    await windowEnd(seconds);
    const received: SwarmViewerFigures[] = clients.map((c, i) => ({
      frames: c.counters.frames - before[i].frames,
      brokenFrames: c.counters.brokenFrames - before[i].brokenFrames,
      packets: c.counters.packets - before[i].packets,
      lostPackets: c.counters.lostPackets - before[i].lostPackets,
      maxFrameGapMs: c.counters.maxFrameGapMs,
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
