/**
 * What MSE and HLS cost per client: the demo mosaic (1080p25, 4 Mbit/s, encoded in this
 * process) muxed once into fMP4, this process's CPU measured over a window with no client,
 * with N MSE clients (WebSockets in one child process, so their CPU is not counted), again with
 * none, and with N HLS clients (`ffmpeg -c copy -f null`, each its own process). The encoder
 * never rests, so every window encodes the same. Prints the rows side by side.
 *
 *   npm run build:ts && node dist/bench/mseHlsBench.js   (MSE_HLS_BENCH_CLIENTS=10, MSE_HLS_BENCH_SECONDS=10)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { demoConfig } from '../src/core/demoConfig';
import { Fmp4Stream } from '../src/core/fmp4/fmp4Stream';
import { HlsOutput } from '../src/core/hls/hlsOutput';
import { createLogger } from '../src/core/logger';
import { MseServer } from '../src/core/mse/mseServer';
import { Stitcher } from '../src/core/stitcher/stitcher';
import { sleep, waitFor } from '../test/helpers/wait';
import { mainThreadCpuSeconds } from './measureWindow';

const clients = Number(process.env.MSE_HLS_BENCH_CLIENTS ?? 10);
const windowSeconds = Number(process.env.MSE_HLS_BENCH_SECONDS ?? 10);

interface Row {
  transport: string;
  clients: number;
  /** This process (encoder + mux + sockets), % of one core. */
  cpuPercent: number;
  /** The JS thread alone, % of one core: muxing, segmenting and every socket write. */
  mainThreadCpuPercent: number;
  /** Bytes this process sent per second, all clients together. */
  sentMbitPerSecond: number;
}

async function measure(transport: string, clientCount: number, sentBytes: () => number): Promise<Row> {
  const bytesBefore = sentBytes();
  const cpuBefore = process.cpuUsage();
  const mainBefore = mainThreadCpuSeconds();
  const startedAt = process.hrtime.bigint();
  await sleep(windowSeconds * 1000);
  const cpu = process.cpuUsage(cpuBefore);
  const wallSeconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
  return {
    transport,
    clients: clientCount,
    cpuPercent: ((cpu.user + cpu.system) / 1e6 / wallSeconds) * 100,
    mainThreadCpuPercent: ((mainThreadCpuSeconds() - mainBefore) / wallSeconds) * 100,
    sentMbitPerSecond: ((sentBytes() - bytesBefore) * 8) / wallSeconds / 1e6,
  };
}

/** N WebSocket clients in one child process, reading and dropping what they get. */
function mseClients(url: string, count: number): ChildProcess {
  const script = `const { WebSocket } = require('ws');
    for (let i = 0; i < ${count}; i++) new WebSocket(${JSON.stringify(url)}).on('message', () => {});`;
  return spawn(process.execPath, ['-e', script], { stdio: 'ignore', cwd: join(__dirname, '..', '..') });
}

async function main(): Promise<void> {
  const logger = createLogger('bench', () => undefined);
  const stitcher = new Stitcher(demoConfig(), { logger, idleAfterMs: Infinity });
  const stream = new Fmp4Stream(stitcher);
  const mse = new MseServer(stream, { maxClients: clients, logger });
  const hls = new HlsOutput(stream, { logger, idleStopMs: 5000 });
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    if (path.startsWith('/hls/')) hls.handle(request, response, path.slice('/hls/'.length));
    else response.writeHead(404).end();
  });
  mse.attach(server, '/mse');
  const children: ChildProcess[] = [];
  const stopChildren = async () => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    await sleep(1000);
  };
  try {
    await stitcher.start();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    const release = stitcher.want('bench');
    await sleep(3000);
    const rows: Row[] = [];
    rows.push(await measure('none', 0, () => 0));

    children.push(mseClients(`ws://${base}/mse`, clients));
    await waitFor('every MSE client playing', () => mse.stats().clients === clients, 30_000);
    await sleep(2000);
    rows.push(await measure('MSE', clients, () => mse.stats().bytesSent));
    await stopChildren();
    await waitFor('the MSE clients gone', () => mse.stats().clients === 0, 10_000);

    rows.push(await measure('none', 0, () => 0));

    for (let i = 0; i < clients; i++) {
      const args = [
        '-nostdin',
        '-loglevel',
        'error',
        '-i',
        `http://${base}/hls/index.m3u8`,
        '-c',
        'copy',
        '-f',
        'null',
        '-',
      ];
      children.push(spawn('ffmpeg', args, { stdio: 'ignore' }));
    }
    await waitFor('every HLS client playing', () => hls.stats().clients === clients, 30_000);
    await sleep(4000);
    rows.push(await measure('HLS', clients, () => hls.stats().bytesSent));
    await stopChildren();
    release();

    const table = [
      '| transport | clients | process CPU (% of a core) | JS thread CPU (% of a core) | sent (Mbit/s) |',
      '|---|---:|---:|---:|---:|',
      ...rows.map(
        (r) =>
          `| ${r.transport} | ${r.clients} | ${r.cpuPercent.toFixed(1)} | ${r.mainThreadCpuPercent.toFixed(1)} | ` +
          `${r.sentMbitPerSecond.toFixed(1)} |`,
      ),
    ];
    const perClient = (loaded: Row, idle: Row) =>
      ((loaded.mainThreadCpuPercent - idle.mainThreadCpuPercent) / clients).toFixed(2);
    const note =
      `per MSE client: +${perClient(rows[1], rows[0])} % of a core on the JS thread; ` +
      `per HLS client: +${perClient(rows[3], rows[2])} %`;
    process.stdout.write(`${table.join('\n')}\n\n${note}\n${JSON.stringify({ windowSeconds, rows })}\n`);
  } finally {
    for (const child of children) child.kill('SIGKILL');
    mse.close();
    hls.close();
    stream.close();
    server.closeAllConnections();
    server.close();
    await stitcher.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
