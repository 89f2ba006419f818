import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { sleep } from '../test/helpers/wait';

/**
 * Clients of one transport, each group in processes apart from the server's so that their CPU
 * is not counted as the server's.
 */
export interface ClientGroup {
  readonly count: number;
  /** Each process that exited before `stop()`, with the end of its stderr: a client that failed. */
  failures(): string[];
  /** The end of stderr of each process still running that wrote any: for a failure's message. */
  said(): string[];
  /** Ends every process and waits for its exit. Idempotent. */
  stop(): Promise<void>;
}

interface Watched {
  child: ChildProcess;
  stderr: string;
  /** Set once the process exits or fails to start, with why. */
  ended?: string;
  stopping: boolean;
}

function watch(command: string, args: string[], cwd?: string): Watched {
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'], cwd });
  const watched: Watched = { child, stderr: '', stopping: false };
  child.stderr?.on(
    'data',
    (chunk: Buffer) => (watched.stderr = (watched.stderr + chunk.toString()).slice(-1000)),
  );
  child.once('error', (error) => (watched.ended ??= `${command} did not start: ${error.message}`));
  child.once('exit', (code, signal) => (watched.ended ??= `${command} exited (${signal ?? code})`));
  return watched;
}

function groupOf(processes: Watched[], count: number): ClientGroup {
  return {
    count,
    failures: () =>
      processes
        .filter((p) => p.ended !== undefined && !p.stopping)
        .map((p) => `${p.ended}: ${p.stderr.trim() || 'no stderr'}`),
    said: () => processes.filter((p) => p.ended === undefined && p.stderr.trim()).map((p) => p.stderr.trim()),
    async stop() {
      await Promise.all(
        processes.map(async (p) => {
          p.stopping = true;
          if (p.ended !== undefined || p.child.exitCode !== null || p.child.signalCode !== null) return;
          const exited = new Promise((resolve) => p.child.once('exit', resolve));
          p.child.kill('SIGKILL');
          await exited;
        }),
      );
    },
  };
}

/** ffmpeg reading `url` and discarding it without decoding, as an NVR that records would. */
function ffmpegPuller(inputArgs: string[]): Watched {
  return watch('ffmpeg', ['-nostdin', '-loglevel', 'error', ...inputArgs, '-c', 'copy', '-f', 'null', '-']);
}

/**
 * Between two ffmpeg starts. Twenty starting at once (each probing its input) took both cores
 * for seconds, and the server's JS thread, starved, read no RTCP from its WebRTC viewers for
 * 5 s and dropped them all.
 */
const startGapMs = 250;

/** `count` ffmpeg processes started one by one, each reading what `inputArgs` name. */
async function ffmpegPullers(inputArgs: string[], count: number): Promise<ClientGroup> {
  const pullers: Watched[] = [];
  for (let i = 0; i < count; i++) {
    if (i > 0) await sleep(startGapMs);
    pullers.push(ffmpegPuller(inputArgs));
  }
  return groupOf(pullers, count);
}

/** `count` RTSP clients (ffmpeg, one process each), RTP over `transport`. */
export function rtspPullers(url: string, count: number, transport: 'tcp' | 'udp'): Promise<ClientGroup> {
  return ffmpegPullers(['-rtsp_transport', transport, '-i', url], count);
}

/** `count` HLS players (ffmpeg, one process each) on the playlist at `url`. */
export function hlsPullers(url: string, count: number): Promise<ClientGroup> {
  return ffmpegPullers(['-i', url], count);
}

/**
 * `count` MSE clients: WebSockets in one Node process, dropping what they get (a browser would
 * append it to a SourceBuffer). One process for all: a WebSocket reader costs little, and 10
 * Node processes would take the memory of a second server.
 */
export function mseReaders(url: string, count: number): ClientGroup {
  // A socket the server closes (too slow: 1013) says so on stderr; the server's count shows it.
  const script = `const { WebSocket } = require('ws');
    for (let i = 0; i < ${count}; i++) {
      new WebSocket(${JSON.stringify(url)})
        .on('message', () => {})
        .on('close', (code) => console.error('MSE client ' + i + ' closed: ' + code))
        .on('error', (error) => console.error('MSE client ' + i + ': ' + String(error)));
    }`;
  // The repository root, where `ws` resolves.
  const root = join(__dirname, '..', '..');
  return groupOf([watch(process.execPath, ['-e', script], root)], count);
}
