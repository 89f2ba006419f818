import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoConfig } from '../src/core/demoConfig';
import { freePort } from '../test/fixtures/rtspCamera';
import { sleep, waitFor } from '../test/helpers/wait';
import { WhepClient } from '../test/helpers/whepClient';
import { cpuSeconds } from './measureWindow';
import { ViewerSwarms } from './viewerSwarms';

export interface FanoutRow {
  viewers: number;
  /** Server process CPU, % of one core. */
  serverCpuPercent: number;
  /** Above the same server with no viewer, per viewer. */
  cpuPerViewerPercent: number;
  /** Processes the viewers ran in (at most 25 viewers each). */
  swarmProcesses: number;
  /** Access units the server handed each viewer's sender per second: the slowest viewer's. */
  sentFramesPerViewerPerSecond: number;
  /** Whole frames each viewer received per second (the output is 25 fps), the median viewer's. */
  framesPerViewerPerSecond: number;
  lostPackets: number;
  brokenFrames: number;
  /** Packets the kernel dropped at a full UDP receive buffer over the window, host-wide. */
  udpReceiveBufferDrops: number;
}

export interface ViewerFigures {
  timeToFirstFrameMs: { median: number; samples: number[] };
  idleServerCpuPercent: number;
  fanout: FanoutRow[];
}

const windowSeconds = Number(process.env.BENCH_FANOUT_SECONDS ?? 10);

/** The host's count of UDP datagrams dropped at a full receive buffer, IPv4 and IPv6. */
function udpReceiveBufferDrops(): number {
  const udp = readFileSync('/proc/net/snmp', 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('Udp:'));
  const names = udp[0].split(' ');
  const values = udp[1].split(' ');
  const ipv4 = Number(values[names.indexOf('RcvbufErrors')]);
  const ipv6 = /Udp6RcvbufErrors\s+(\d+)/.exec(readFileSync('/proc/net/snmp6', 'utf8'));
  return ipv4 + (ipv6 ? Number(ipv6[1]) : 0);
}

async function cpuPercentOver(pid: number, seconds: number): Promise<number> {
  const before = cpuSeconds(pid);
  await sleep(seconds * 1000);
  return ((cpuSeconds(pid) - before) / seconds) * 100;
}

/** Each viewer's access units handed to its sender so far, from the server's /stats. */
async function framesSentByViewer(port: number): Promise<Map<string, number>> {
  const stats = (await (await fetch(`http://127.0.0.1:${port}/stats`)).json()) as {
    viewers: { id: string; framesSent: number }[];
  };
  return new Map(stats.viewers.map((v) => [v.id, v.framesSent]));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Time to first frame for new viewers and fan-out to many, on the 1080p demo served by the CLI. */
export async function measureViewers(work: string): Promise<ViewerFigures> {
  const port = await freePort();
  const configPath = join(work, 'viewers.json');
  writeFileSync(
    configPath,
    JSON.stringify({ ...demoConfig(), server: { host: '127.0.0.1', port, maxViewers: 60 } }),
  );
  const cli = join(__dirname, '..', 'src', 'core', 'cli.js');
  const server = spawn(process.execPath, [cli, '--config', configPath], {
    stdio: ['ignore', 'ignore', 'ignore'],
    env: { ...process.env, CAMERA_MOSAIC_LOG: 'error' },
  });
  const endpoint = `http://127.0.0.1:${port}/whep`;
  try {
    await waitFor(
      'the server to encode',
      async () => {
        const stats = (await fetch(`http://127.0.0.1:${port}/stats`).then(
          (r) => r.json(),
          () => undefined,
        )) as { total_frames: number } | undefined;
        return (stats?.total_frames ?? 0) > 50;
      },
      20000,
      200,
    );
    const samples: number[] = [];
    for (let i = 0; i < 10; i++) {
      const started = Date.now();
      const client = await WhepClient.connect(endpoint, { keepUnits: false });
      await waitFor('a first keyframe', () => client.counters.firstKeyframeAt > 0, 10000, 5);
      samples.push(client.counters.firstKeyframeAt - started);
      await client.close();
      await sleep(300);
    }
    const idle = await cpuPercentOver(server.pid ?? 0, 5);
    const fanout: FanoutRow[] = [];
    for (const viewers of [1, 10, 25, 50]) {
      const swarms = new ViewerSwarms(endpoint, viewers);
      await swarms.ready();
      const sentBefore = await framesSentByViewer(port);
      const dropsBefore = udpReceiveBufferDrops();
      const serverCpu = await cpuPercentOver(server.pid ?? 0, windowSeconds);
      const drops = udpReceiveBufferDrops() - dropsBefore;
      const sentAfter = await framesSentByViewer(port);
      const received = await swarms.finish();
      const sentPerSecond = [...sentAfter].map(
        ([id, frames]) => (frames - (sentBefore.get(id) ?? frames)) / windowSeconds,
      );
      fanout.push({
        viewers,
        swarmProcesses: swarms.processes,
        serverCpuPercent: Math.round(serverCpu),
        cpuPerViewerPercent: Math.round(((serverCpu - idle) / viewers) * 10) / 10,
        sentFramesPerViewerPerSecond: Math.round(Math.min(...sentPerSecond) * 10) / 10,
        framesPerViewerPerSecond:
          Math.round((median(received.map((r) => r.frames)) / windowSeconds) * 10) / 10,
        lostPackets: received.reduce((sum, r) => sum + r.lostPackets, 0),
        brokenFrames: received.reduce((sum, r) => sum + r.brokenFrames, 0),
        udpReceiveBufferDrops: drops,
      });
      await sleep(1000);
    }
    return {
      timeToFirstFrameMs: { median: median(samples), samples },
      idleServerCpuPercent: Math.round(idle),
      fanout,
    };
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
  }
}
