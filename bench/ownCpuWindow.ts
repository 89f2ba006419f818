import { sleep } from '../test/helpers/wait';
import { mainThreadCpuSeconds } from './measureWindow';

/** What this process cost over one window of wall time, with how far some counters moved. */
export interface OwnCpuWindow<Counter extends string> {
  /** User+sys of the whole process (encoder threads included), % of one core. */
  cpuPercent: number;
  /**
   * The JS (main) thread alone, % of one core: where packetizing, muxing and every socket
   * write run (their kernel time included), while the encoder's native threads are elsewhere.
   */
  mainThreadCpuPercent: number;
  wallSeconds: number;
  /** How much each counter grew over the window. */
  growth: Record<Counter, number>;
}

/**
 * This process's CPU over the next `seconds`, for a server running inside it whose clients run
 * in other processes (so their CPU is not counted). `counters` are read at both ends of the
 * window, e.g. bytes sent, so that a figure and the traffic behind it come from the same span.
 */
export async function measureOwnCpu<Counter extends string>(
  seconds: number,
  counters: Record<Counter, () => number>,
): Promise<OwnCpuWindow<Counter>> {
  const read = () =>
    Object.fromEntries(Object.entries<() => number>(counters).map(([name, count]) => [name, count()]));
  const countersBefore = read();
  // process.cpuUsage counts in µs; /proc's 10 ms ticks are fine-grained enough for one thread.
  const cpuBefore = process.cpuUsage();
  const mainBefore = mainThreadCpuSeconds();
  const startedAt = performance.now();
  await sleep(seconds * 1000);
  const cpu = process.cpuUsage(cpuBefore);
  const mainSeconds = mainThreadCpuSeconds() - mainBefore;
  const wallSeconds = (performance.now() - startedAt) / 1000;
  const countersAfter = read();
  const growth = Object.fromEntries(
    Object.keys(counters).map((name) => [name, countersAfter[name] - countersBefore[name]]),
  ) as Record<Counter, number>;
  return {
    cpuPercent: ((cpu.user + cpu.system) / 1e6 / wallSeconds) * 100,
    mainThreadCpuPercent: (mainSeconds / wallSeconds) * 100,
    wallSeconds,
    growth,
  };
}
