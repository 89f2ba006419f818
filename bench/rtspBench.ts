/**
 * What the RTSP server costs per client: the demo mosaic (1080p25, 4 Mbit/s, encoded in this
 * process) served by RtspServer, this process's CPU measured over a window with no client and
 * again with N clients pulling over TCP (`ffmpeg -c copy -f null`, in their own processes, so
 * their CPU is not counted). Prints both rows and the difference per client.
 *
 *   npm run build:ts && node dist/bench/rtspBench.js   (RTSP_BENCH_CLIENTS=20, RTSP_BENCH_SECONDS=10)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { demoConfig } from '../src/core/demoConfig';
import { createLogger } from '../src/core/logger';
import { RtspServer } from '../src/core/rtsp/rtspServer';
import { stitcherStreamSource } from '../src/core/rtsp/stitcherSource';
import { Stitcher } from '../src/core/stitcher/stitcher';
import { sleep, waitFor } from '../test/helpers/wait';
import { mainThreadCpuSeconds } from './measureWindow';

const clients = Number(process.env.RTSP_BENCH_CLIENTS ?? 20);
const windowSeconds = Number(process.env.RTSP_BENCH_SECONDS ?? 10);
const transport = process.env.RTSP_BENCH_TRANSPORT === 'udp' ? 'udp' : 'tcp';

interface Row {
  clients: number;
  /** This process (encoder + RTSP server), % of one core. */
  cpuPercent: number;
  /**
   * The JS (main) thread alone, % of one core: where packetizing and every socket write (kernel
   * time included) run, while the encoder's native threads are elsewhere.
   */
  mainThreadCpuPercent: number;
  /** RTP bytes the server wrote per second, all clients together. */
  sentMbitPerSecond: number;
}

async function measure(server: RtspServer, clientCount: number): Promise<Row> {
  const bytesBefore = server.stats().streams.mosaic.bytesSent;
  const cpuBefore = process.cpuUsage();
  const mainBefore = mainThreadCpuSeconds();
  const startedAt = process.hrtime.bigint();
  await sleep(windowSeconds * 1000);
  const cpu = process.cpuUsage(cpuBefore);
  const mainSeconds = mainThreadCpuSeconds() - mainBefore;
  const wallSeconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
  const bytes = server.stats().streams.mosaic.bytesSent - bytesBefore;
  return {
    clients: clientCount,
    cpuPercent: ((cpu.user + cpu.system) / 1e6 / wallSeconds) * 100,
    mainThreadCpuPercent: (mainSeconds / wallSeconds) * 100,
    sentMbitPerSecond: (bytes * 8) / wallSeconds / 1e6,
  };
}

async function main(): Promise<void> {
  const logger = createLogger('bench', () => undefined);
  const stitcher = new Stitcher(demoConfig(), { logger, idleAfterMs: Infinity });
  const server = new RtspServer({ port: 0, host: '127.0.0.1', maxClients: clients, logger });
  const pullers: ChildProcess[] = [];
  try {
    await stitcher.start();
    server.addStream('mosaic', stitcherStreamSource(stitcher));
    await server.listen();
    const url = `rtsp://127.0.0.1:${server.port}/mosaic`;
    // The encoder never rests (idleAfterMs: Infinity), so both windows encode the same.
    const release = stitcher.want('bench');
    await sleep(3000);
    const idle = await measure(server, 0);
    for (let i = 0; i < clients; i++) {
      const args = [
        '-nostdin',
        '-loglevel',
        'error',
        '-rtsp_transport',
        transport,
        '-i',
        url,
        '-c',
        'copy',
        '-f',
        'null',
        '-',
      ];
      pullers.push(spawn('ffmpeg', args, { stdio: 'ignore' }));
    }
    await waitFor('every client playing', () => server.stats().clients === clients, 30_000);
    await sleep(2000);
    const loaded = await measure(server, clients);
    release();
    const perClient = (loaded.mainThreadCpuPercent - idle.mainThreadCpuPercent) / clients;
    const table = [
      '| RTSP clients | process CPU (% of a core) | JS thread CPU (% of a core) | RTP sent (Mbit/s) |',
      '|---:|---:|---:|---:|',
      ...[idle, loaded].map(
        (r) =>
          `| ${r.clients} | ${r.cpuPercent.toFixed(1)} | ${r.mainThreadCpuPercent.toFixed(1)} | ` +
          `${r.sentMbitPerSecond.toFixed(1)} |`,
      ),
    ];
    const note = `per ${transport} client: +${perClient.toFixed(2)} % of a core on the JS thread`;
    process.stdout.write(`${table.join('\n')}\n\n${note}\n`);
    const figures = { transport, windowSeconds, idle, loaded, jsThreadCpuPercentPerClient: perClient };
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } finally {
    for (const child of pullers) child.kill('SIGKILL');
    await server.close();
    await stitcher.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
