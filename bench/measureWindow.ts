import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { sleep, waitFor } from '../test/helpers/wait';

/** What a long-running process costs once it is running, measured over a window of wall time. */
export interface WindowCost {
  /** User+sys CPU seconds per wall second over the window (1.0 = one core busy). */
  cpuPerSecond: number;
  /** Output frames per wall second over the window; 0 when the process reports none. */
  framesPerSecond: number;
  /** Peak resident memory up to the end of the window (VmHWM). */
  peakRssMiB: number;
  /**
   * CPU per wall second by thread name over the window, one camera's threads ("cm-cam porch")
   * summed under their kind ("cm-cam"): where a process's time goes, without a profiler.
   */
  cpuPerThreadKind: Record<string, number>;
  stdout: string;
  stderr: string;
}

export interface WindowOptions {
  /** Seconds after the first output frame before the window opens: start-up is not the cost. */
  warmupSeconds: number;
  windowSeconds: number;
  /** The latest frame count in a line of the process's stdout, if the line has one. */
  frameCount: (line: string) => number | undefined;
  /** Longest wait for the first output frame. */
  startTimeoutMs: number;
}

/** CPU seconds (user+sys) a live process has used, from /proc (clock ticks of 1/100 s). */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Each thread's CPU seconds so far, keyed by thread id, with the kind of thread its name says. */
/** This process's main (JS) thread's user+sys CPU seconds: its thread id is the process id. */
export function mainThreadCpuSeconds(): number {
  return threadCpuSeconds(process.pid).get(String(process.pid))?.seconds ?? 0;
}

export function threadCpuSeconds(pid: number): Map<string, { kind: string; seconds: number }> {
  const threads = new Map<string, { kind: string; seconds: number }>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const kind = /^cm-(cam|sub|pub) /.test(name) ? name.slice(0, 6) : name;
      threads.set(tid, { kind, seconds: (Number(fields[11]) + Number(fields[12])) / 100 });
    } catch {
      // The thread ended between listing and reading.
    }
  }
  return threads;
}

export function byKind(
  before: Map<string, { kind: string; seconds: number }>,
  after: Map<string, { kind: string; seconds: number }>,
  wallSeconds: number,
): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const [tid, thread] of after) {
    const used = thread.seconds - (before.get(tid)?.seconds ?? 0);
    totals[thread.kind] = (totals[thread.kind] ?? 0) + used / wallSeconds;
  }
  return totals;
}

function peakRssMiB(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : 0;
}

/**
 * Runs `command` until it has produced output for `warmupSeconds`, measures its CPU and output
 * frame rate over `windowSeconds`, then stops it with SIGTERM and waits for its exit. A mosaic runs
 * for days, so its cost is the steady state: ffmpeg spends its first seconds probing every input
 * and Node its first loading and compiling, neither of which a user pays again. The frame rate
 * comes from the process's own progress lines, timed as they arrive.
 */
export async function measureWindow(command: string[], options: WindowOptions): Promise<WindowCost> {
  const child = spawn(command[0], command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid ?? 0;
  let stdout = '';
  let stderr = '';
  let partial = '';
  let latest = { frames: 0, at: 0 };
  let exited = false;
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const frames = options.frameCount(line);
      if (frames !== undefined) latest = { frames, at: performance.now() };
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.once('exit', () => (exited = true));
  // 'close' comes after the last output, which for runStitcher is its closing summary line.
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  let figures: Omit<WindowCost, 'stdout' | 'stderr'>;
  try {
    await waitFor('a first output frame', () => exited || latest.frames > 0, options.startTimeoutMs, 20);
    if (exited) throw new Error(`${command[0]} exited before its first frame:\n${stderr.slice(-2000)}`);
    await sleep(options.warmupSeconds * 1000);
    const sample = () => ({
      cpu: cpuSeconds(pid),
      threads: threadCpuSeconds(pid),
      at: performance.now(),
      progress: latest,
    });
    const start = sample();
    await sleep(options.windowSeconds * 1000);
    const end = sample();
    const peak = peakRssMiB(pid);
    if (exited) throw new Error(`${command[0]} exited during the window:\n${stderr.slice(-2000)}`);
    const progressSeconds = (end.progress.at - start.progress.at) / 1000;
    const wallSeconds = (end.at - start.at) / 1000;
    figures = {
      cpuPerSecond: (end.cpu - start.cpu) / wallSeconds,
      cpuPerThreadKind: byKind(start.threads, end.threads, wallSeconds),
      framesPerSecond:
        progressSeconds > 0 ? (end.progress.frames - start.progress.frames) / progressSeconds : 0,
      peakRssMiB: peak,
    };
  } finally {
    if (!exited) child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 10000);
    await closed;
    clearTimeout(killer);
  }
  return { ...figures, stdout, stderr };
}
