/**
 * What each transport costs per client, in one run on one server: the demo mosaic (1080p25,
 * 4 Mbit/s) served by the Engine in this process (WHEP, /mse, /hls and the RTSP server), its CPU
 * measured over a window after each step: the encoder alone; + 20 WebRTC viewers; + 20 RTSP
 * clients; + 10 MSE clients; + 10 HLS clients; then the WebRTC viewers alone again, whose
 * difference from the first time says how far the machine drifted over the run. The WebRTC
 * viewers stay connected throughout. A step's cost per client is its window minus the one
 * before, over its clients. Every client runs in another process (their CPU is not the
 * server's), on the same cores. Each window checks that every transport's clients were each
 * sent about what the encoder made (the server's byte counters), and the run fails if not.
 *
 * `node dist/bench/transportBench.js` alone (bench/results/transports.json and transports.md), or
 * part of `npm run bench` (BENCH_TRANSPORTS=0 skips it). Counts: BENCH_WEBRTC_VIEWERS=20,
 * BENCH_RTSP_CLIENTS=20, BENCH_MSE_CLIENTS=10, BENCH_HLS_CLIENTS=10; BENCH_TRANSPORT_SECONDS=10
 * a window; BENCH_RTSP_TRANSPORT=udp for RTP over UDP.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { demoConfig } from '../src/core/demoConfig';
import { Engine } from '../src/core/engine';
import type { EngineStatsDocument } from '../src/core/http/statsDocument';
import { sleep, waitFor } from '../test/helpers/wait';
import { measureOwnCpu } from './ownCpuWindow';
import { hlsPullers, mseReaders, rtspPullers, type ClientGroup } from './transportClients';
import { transportMarkdown } from './transportReport';
import { connectViewers, type ViewerSwarms } from './viewerSwarms';

export type Transport = 'webrtc' | 'rtsp' | 'mse' | 'hls';
const transports: readonly Transport[] = ['webrtc', 'rtsp', 'mse', 'hls'];

const windowSeconds = Number(process.env.BENCH_TRANSPORT_SECONDS ?? 10);
/**
 * Viewers a swarm process holds: a swarm whose handshakes fail is started again
 * (connectViewers), and a small one costs little to redo.
 */
const viewersPerSwarm = Number(process.env.BENCH_VIEWERS_PER_PROCESS ?? 5);
const rtspTransport = process.env.BENCH_RTSP_TRANSPORT === 'udp' ? 'udp' : 'tcp';
const clientCounts: Record<Transport, number> = {
  webrtc: Number(process.env.BENCH_WEBRTC_VIEWERS ?? 20),
  rtsp: Number(process.env.BENCH_RTSP_CLIENTS ?? 20),
  mse: Number(process.env.BENCH_MSE_CLIENTS ?? 10),
  hls: Number(process.env.BENCH_HLS_CLIENTS ?? 10),
};
/** The Engine's log lines shown: warnings and errors, or from BENCH_LOG=info (or debug) on. */
const logLevels = ['debug', 'info', 'warn', 'error'].slice(
  Math.max(0, ['debug', 'info', 'warn'].indexOf(process.env.BENCH_LOG ?? 'warn')),
);

/**
 * Below this share of the encoder's bytes per client a transport did not deliver the stream.
 * Each sends a little more than the encode (RTP, fMP4 and SRTP headers), so a healthy client
 * sits near 1.0; half leaves room for a window boundary cutting through a keyframe burst.
 */
const minDeliveredRatio = 0.5;

/** One window: which clients were on, what the server process cost and what it sent. */
export interface TransportWindow {
  step: string;
  clients: Record<Transport, number>;
  /** The whole process (encoder, mux, packetizers, sockets), % of one core. */
  cpuPercent: number;
  /** The JS thread alone, % of one core. */
  mainThreadCpuPercent: number;
  encodedMbitPerSecond: number;
  /** What each transport sent per second, all its clients together. */
  sentMbitPerSecond: Record<Transport, number>;
}

/** One transport's step: its window minus the one before, per client. */
export interface TransportCost {
  transport: Transport;
  clients: number;
  cpuPercentPerClient: number;
  mainThreadCpuPercentPerClient: number;
  /** Sent per client over encoded, in its window: 1.0 = each client got the whole stream. */
  deliveredRatio: number;
}

export interface TransportFigures {
  date: string;
  machine: string;
  windowSeconds: number;
  rtspTransport: 'tcp' | 'udp';
  windows: TransportWindow[];
  costs: TransportCost[];
  /** What the WebRTC viewers received over the whole run (from the first WebRTC window on). */
  webrtcReceived: {
    viewers: number;
    viewersPerProcess: number;
    medianFps: number;
    lostPackets: number;
    brokenFrames: number;
  };
}

const rounded = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Each transport's clients as the server counts them. */
function clientsOf(stats: EngineStatsDocument): Record<Transport, number> {
  return {
    webrtc: stats.viewers.filter((v) => v.state === 'live').length,
    rtsp: stats.rtsp?.clients ?? 0,
    mse: stats.mse?.clients ?? 0,
    hls: stats.hls?.clients ?? 0,
  };
}

/**
 * Whether the server's count of `transport`'s clients says `expected` are on. HLS counts the HTTP
 * connections that asked lately, and ffmpeg opens several per player (playlist, segments), so
 * there it is at least `expected`; the bytes check below still divides by the players.
 */
function countMatches(transport: Transport, counted: number, expected: number): boolean {
  return transport === 'hls' && expected > 0 ? counted >= expected : counted === expected;
}

/** Bytes each transport has sent, and the encoder has made, so far. */
function byteCounters(engine: Engine): Record<Transport | 'encoded', () => number> {
  return {
    encoded: () => engine.stats().output.bytes,
    webrtc: () => engine.stats().viewers.reduce((sum, v) => sum + v.bytesSent, 0),
    rtsp: () => engine.stats().rtsp?.bytesSent ?? 0,
    mse: () => engine.stats().mse?.bytesSent ?? 0,
    hls: () => engine.stats().hls?.bytesSent ?? 0,
  };
}

/**
 * Measures one window with `expected` clients on, and fails unless the server counted exactly
 * those clients at both ends and sent each of them about what the encoder made.
 */
async function measureStep(
  engine: Engine,
  step: string,
  expected: Record<Transport, number>,
  groups: readonly ClientGroup[],
): Promise<TransportWindow> {
  const check = (when: string) => {
    const stats = engine.stats();
    const counted = clientsOf(stats);
    const failures = groups.flatMap((g) => g.failures());
    for (const transport of transports)
      if (!countMatches(transport, counted[transport], expected[transport]))
        failures.unshift(`${counted[transport]} ${transport} clients, not ${expected[transport]}`);
    if (failures.length)
      throw new Error(
        `${step}, ${when}:\n${failures.join('\n')}\n` +
          `server: ${JSON.stringify({ rtsp: stats.rtsp, mse: stats.mse, hls: stats.hls })}\n` +
          `clients said: ${groups.flatMap((g) => g.said()).join('\n') || 'nothing'}`,
      );
  };
  check('window start');
  const cost = await measureOwnCpu(windowSeconds, byteCounters(engine));
  check('window end');
  const { growth, wallSeconds } = cost;
  if (growth.encoded <= 0) throw new Error(`${step}: the encoder made nothing in the window`);
  for (const transport of transports) {
    const ratio = expected[transport] ? growth[transport] / expected[transport] / growth.encoded : 1;
    if (ratio < minDeliveredRatio)
      throw new Error(
        `${step}: each ${transport} client was sent ${rounded(ratio)} of the encoded bytes, ` +
          `under ${minDeliveredRatio}: its clients did not get the stream`,
      );
  }
  const mbit = (bytes: number) => rounded((bytes * 8) / wallSeconds / 1e6);
  return {
    step,
    clients: { ...expected },
    cpuPercent: rounded(cost.cpuPercent, 1),
    mainThreadCpuPercent: rounded(cost.mainThreadCpuPercent, 1),
    encodedMbitPerSecond: mbit(growth.encoded),
    sentMbitPerSecond: {
      webrtc: mbit(growth.webrtc),
      rtsp: mbit(growth.rtsp),
      mse: mbit(growth.mse),
      hls: mbit(growth.hls),
    },
  };
}

/** `after`'s transport step against the window before it. */
function costOf(transport: Transport, before: TransportWindow, after: TransportWindow): TransportCost {
  const clients = after.clients[transport] - before.clients[transport];
  return {
    transport,
    clients,
    cpuPercentPerClient: rounded((after.cpuPercent - before.cpuPercent) / clients),
    mainThreadCpuPercentPerClient: rounded(
      (after.mainThreadCpuPercent - before.mainThreadCpuPercent) / clients,
    ),
    deliveredRatio: rounded(
      after.sentMbitPerSecond[transport] / after.clients[transport] / after.encodedMbitPerSecond,
    ),
  };
}

/** Runs the steps above on a fresh Engine and closes it and every client, even on failure. */
export async function measureTransports(): Promise<TransportFigures> {
  const config = {
    ...demoConfig(),
    server: {
      host: '127.0.0.1',
      maxViewers: Math.max(clientCounts.webrtc, clientCounts.mse) + 5,
      rtsp: { maxClients: clientCounts.rtsp + 5 },
    },
  };
  const engine = new Engine(config, {
    port: 0,
    rtspPort: 0,
    // Nobody may rest the encoder: the first window (no client) must encode like the others.
    idleAfterMs: Infinity,
    logSink: (level, scope, message) => {
      if (logLevels.includes(level)) process.stderr.write(`[${scope}] ${level}: ${message}\n`);
    },
  });
  const groups: ClientGroup[] = [];
  let swarms: ViewerSwarms[] = [];
  const expected: Record<Transport, number> = { webrtc: 0, rtsp: 0, mse: 0, hls: 0 };
  const windows: TransportWindow[] = [];
  const step = async (name: string, settleMs: number) => {
    await sleep(settleMs);
    const window = await measureStep(engine, name, expected, groups);
    windows.push(window);
    process.stderr.write(
      `bench: transports, ${name}: ${window.cpuPercent} % (JS thread ${window.mainThreadCpuPercent} %)\n`,
    );
  };
  const counted = (transport: Transport) => () =>
    countMatches(transport, clientsOf(engine.stats())[transport], expected[transport]);
  try {
    await engine.start();
    await waitFor('the encoder to run', () => engine.stats().total_frames > 50, 30_000, 100);
    await step('encoder alone', 3000);

    swarms = await connectViewers(
      `http://127.0.0.1:${engine.port}/whep`,
      clientCounts.webrtc,
      viewersPerSwarm,
    );
    expected.webrtc = clientCounts.webrtc;
    await waitFor('every WebRTC viewer live', counted('webrtc'), 30_000);
    await step(`+ ${expected.webrtc} WebRTC`, 2000);

    const rtspUrl = `rtsp://127.0.0.1:${engine.rtspPort}/mosaic`;
    groups.push(await rtspPullers(rtspUrl, clientCounts.rtsp, rtspTransport));
    expected.rtsp = clientCounts.rtsp;
    await waitFor('every RTSP client playing', counted('rtsp'), 30_000);
    await step(`+ ${expected.rtsp} RTSP (${rtspTransport})`, 2000);

    groups.push(mseReaders(`ws://127.0.0.1:${engine.port}/mse`, clientCounts.mse));
    expected.mse = clientCounts.mse;
    await waitFor('every MSE client playing', counted('mse'), 30_000);
    await step(`+ ${expected.mse} MSE`, 2000);

    groups.push(await hlsPullers(`http://127.0.0.1:${engine.port}/hls/index.m3u8`, clientCounts.hls));
    expected.hls = clientCounts.hls;
    await waitFor('every HLS client playing', counted('hls'), 30_000);
    // A player starts with a burst (the playlist's segments back to back), not the steady state.
    await step(`+ ${expected.hls} HLS`, 4000);

    for (const group of groups.splice(0)) await group.stop();
    Object.assign(expected, { rtsp: 0, mse: 0, hls: 0 });
    // HLS counts a player for 10 s after its last request and segments until idleStopMs.
    await waitFor(
      'RTSP, MSE and HLS gone',
      () => {
        const stats = engine.stats();
        const clients = clientsOf(stats);
        return transports.every((t) => countMatches(t, clients[t], expected[t])) && !stats.hls?.active;
      },
      90_000,
      500,
    );
    await step(`${expected.webrtc} WebRTC alone again`, 2000);

    const endedAt = performance.now();
    // Each swarm counted from its own READY; frames per second per viewer over that span.
    const received = (
      await Promise.all(
        swarms.map(async (swarm) => {
          const seconds = (endedAt - swarm.readyAt) / 1000;
          return (await swarm.finish()).map((r) => ({ ...r, fps: r.frames / seconds }));
        }),
      )
    ).flat();
    const starved = received.filter((r) => r.frames === 0).length;
    if (received.length !== expected.webrtc || starved)
      throw new Error(`WebRTC: ${received.length} viewers reported, ${starved} of them received no frame`);
    const [, webrtc, rtsp, mse, hls] = windows;
    return {
      date: new Date().toISOString(),
      machine: `${cpus().length} cores`,
      windowSeconds,
      rtspTransport,
      windows,
      costs: [
        costOf('webrtc', windows[0], webrtc),
        costOf('rtsp', webrtc, rtsp),
        costOf('mse', rtsp, mse),
        costOf('hls', mse, hls),
      ],
      webrtcReceived: {
        viewersPerProcess: viewersPerSwarm,
        viewers: received.length,
        medianFps: rounded(median(received.map((r) => r.fps)), 1),
        lostPackets: received.reduce((sum, r) => sum + r.lostPackets, 0),
        brokenFrames: received.reduce((sum, r) => sum + r.brokenFrames, 0),
      },
    };
  } finally {
    for (const swarm of swarms) swarm.kill();
    await Promise.all(groups.map((g) => g.stop()));
    await engine.close();
  }
}

/** bench/results/transports.json and transports.md. */
export function writeTransportResults(figures: TransportFigures): string {
  const resultsDir = join(__dirname, '..', '..', 'bench', 'results');
  const markdown = [
    `# camera-mosaic transports benchmark (${figures.date}, ${figures.machine})`,
    '',
    ...transportMarkdown(figures),
  ].join('\n');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, 'transports.json'), `${JSON.stringify(figures, null, 2)}\n`);
  writeFileSync(join(resultsDir, 'transports.md'), markdown);
  return markdown;
}

if (require.main === module) {
  measureTransports().then(
    (figures) => {
      process.stdout.write(writeTransportResults(figures));
      process.exit(0);
    },
    (error: unknown) => {
      process.stderr.write(
        `transports bench failed: ${error instanceof Error ? error.stack : String(error)}\n`,
      );
      process.exit(1);
    },
  );
}
