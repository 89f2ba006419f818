/**
 * What a mosaic nobody watches costs, next to the same mosaic encoding, in one run: one Stitcher
 * in this process takes turns holding a lease (busy: every frame composed and encoded) and
 * letting go (idle: the encoder rests, the canvas is composed four times a second, the cameras
 * keep decoding). Also what waking costs: lease → first keyframe out, a snapshot while idle, and
 * the alternative of pausing the cameras too: how long cold cameras take to show every tile.
 * `node dist/bench/idleBench.js` alone (results in bench/results/idle.json and idle.md), or as
 * part of `npm run bench` (BENCH_IDLE=0 skips it).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { demoConfig } from '../src/core/demoConfig';
import { createLogger } from '../src/core/logger';
import { Stitcher } from '../src/core/stitcher/stitcher';
import { startCameras, type RtspCamera } from '../test/fixtures/rtspCamera';
import { sleep, waitFor } from '../test/helpers/wait';
import { byKind, cpuSeconds, threadCpuSeconds } from './measureWindow';
import { encoderSettings, scenarios } from './scenarios';

const windowSeconds = Number(process.env.BENCH_IDLE_SECONDS ?? 8);
const roundCount = Number(process.env.BENCH_IDLE_ROUNDS ?? 3);
const idleAfterMs = 1000;

/** % of one core, split by thread kind as in the main benchmark. */
export interface IdleShare {
  cameras: number;
  clock: number;
  x264: number;
  other: number;
}

export interface IdleRow {
  mosaic: string;
  /** Process CPU, % of one core: the median round. */
  busyCpuPercent: number;
  idleCpuPercent: number;
  /** The median idle round by thread. */
  idleByThread: IdleShare;
  /** Each round's busy / idle CPU %. */
  rounds: string[];
  /** Lease taken after idle → first keyframe access unit, median ms. */
  wakeToKeyframeMs: number;
  /** A snapshot (1920x1080 JPEG) taken while idle, median ms. */
  snapshotWhileIdleMs: number;
  /** Pausing the cameras too: a fresh start until every tile shows a picture, ms. */
  coldCamerasToPictureMs: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const round1 = (value: number) => Math.round(value * 10) / 10;

function share(byThread: Record<string, number>): IdleShare {
  const result: IdleShare = { cameras: 0, clock: 0, x264: 0, other: 0 };
  for (const [kind, cpu] of Object.entries(byThread)) {
    const part = /^cm-(cam|sub)/.test(kind)
      ? 'cameras'
      : kind === 'cm-clock'
        ? 'clock'
        : kind.startsWith('cm-x264')
          ? 'x264'
          : 'other';
    result[part] += cpu * 100;
  }
  return {
    cameras: round1(result.cameras),
    clock: round1(result.clock),
    x264: round1(result.x264),
    other: round1(result.other),
  };
}

/** This process's CPU (% of a core) and its split over the next `seconds`. */
async function cpuOver(seconds: number): Promise<{ percent: number; byThread: IdleShare }> {
  const pid = process.pid;
  const before = { cpu: cpuSeconds(pid), threads: threadCpuSeconds(pid), at: performance.now() };
  await sleep(seconds * 1000);
  const wall = (performance.now() - before.at) / 1000;
  return {
    percent: ((cpuSeconds(pid) - before.cpu) / wall) * 100,
    byThread: share(byKind(before.threads, threadCpuSeconds(pid), wall)),
  };
}

function quietStitcher(config: unknown): Stitcher {
  return new Stitcher(config, { idleAfterMs, logger: createLogger('bench', () => undefined) });
}

async function everyTilePainted(stitcher: Stitcher, timeoutMs: number): Promise<void> {
  await waitFor(
    'every tile painted',
    () => stitcher.stats().tiles.every((t) => t.content !== 'black'),
    timeoutMs,
    10,
  );
}

async function measureMosaic(name: string, config: unknown): Promise<IdleRow> {
  const stitcher = quietStitcher(config);
  let release = stitcher.want('bench');
  await stitcher.start();
  const busy: number[] = [];
  const idle: { percent: number; byThread: IdleShare }[] = [];
  const wakes: number[] = [];
  const snapshots: number[] = [];
  try {
    await everyTilePainted(stitcher, 20000);
    await sleep(3000);
    for (let round = 0; round < roundCount; round++) {
      busy.push((await cpuOver(windowSeconds)).percent);
      release();
      await waitFor('the encoder to rest', () => stitcher.stats().output.idle, idleAfterMs + 5000, 20);
      await sleep(1000);
      idle.push(await cpuOver(windowSeconds));
      const snapshotAt = performance.now();
      await stitcher.snapshot();
      snapshots.push(performance.now() - snapshotAt);
      // The snapshot's own lease wakes the encoder; wait for the rest again before waking it.
      await waitFor('the encoder to rest', () => stitcher.stats().output.idle, idleAfterMs + 5000, 20);
      const keyframe = new Promise<number>((resolve) => {
        const onUnit = (unit: { keyframe: boolean }) => {
          if (!unit.keyframe) return;
          stitcher.off('accessunit', onUnit);
          resolve(performance.now());
        };
        stitcher.on('accessunit', onUnit);
      });
      const wantedAt = performance.now();
      release = stitcher.want('bench');
      wakes.push((await keyframe) - wantedAt);
      await sleep(2000);
    }
  } finally {
    release();
    await stitcher.stop();
  }
  // Pausing the cameras as well would save their decoding, at this price on the first viewer.
  const cold = quietStitcher(config);
  const coldAt = performance.now();
  await cold.start();
  let coldMs = 0;
  try {
    await everyTilePainted(cold, 20000);
    coldMs = performance.now() - coldAt;
  } finally {
    await cold.stop();
  }
  const medianIdle = [...idle].sort((a, b) => a.percent - b.percent)[Math.floor(idle.length / 2)];
  return {
    mosaic: name,
    busyCpuPercent: round1(median(busy)),
    idleCpuPercent: round1(medianIdle.percent),
    idleByThread: medianIdle.byThread,
    rounds: busy.map((b, i) => `${Math.round(b)} / ${round1(idle[i].percent)}`),
    wakeToKeyframeMs: Math.round(median(wakes)),
    snapshotWhileIdleMs: Math.round(median(snapshots)),
    coldCamerasToPictureMs: Math.round(coldMs),
  };
}

/** Scenario 1's mosaic on real RTSP cameras; with `subWidth`, each camera also has a substream. */
async function measureRtsp(mainWidth: number, subWidth?: number): Promise<IdleRow> {
  const scenario = scenarios[0];
  const camera = (width: number) => ({ pattern: 'ball', width, height: (width * 9) / 16, fps: scenario.fps });
  const mains = Array.from({ length: scenario.cameras }, () => camera(mainWidth));
  const subs = subWidth === undefined ? [] : mains.map(() => camera(subWidth));
  let cameras: RtspCamera[] = [];
  try {
    cameras = await startCameras([...mains, ...subs]);
    const names = mains.map((_, i) => `cam${i + 1}`);
    const name =
      subWidth === undefined
        ? `RTSP: ${scenario.name}`
        : `RTSP: 4 cameras ${mainWidth}x${(mainWidth * 9) / 16} + substreams ${subWidth}x${(subWidth * 9) / 16} → classic4 1920x1080@25`;
    return await measureMosaic(name, {
      cameras: names.map((camera, i) => ({
        name: camera,
        url: cameras[i].url,
        ...(subWidth === undefined ? {} : { subUrl: cameras[mains.length + i].url }),
      })),
      // The main benchmark's encoder settings, so its busy figure compares with that table's.
      output: {
        width: scenario.width,
        height: scenario.height,
        fps: scenario.fps,
        ...encoderSettings(scenario),
        preset: 'ultrafast',
      },
      layout: scenario.layout,
      mainStreamIdleMs: 1000,
    });
  } finally {
    await Promise.all(cameras.map((c) => c.stop()));
  }
}

/**
 * The demo (4 lavfi cameras → 1080p25), scenario 1 on real RTSP cameras, and the same with
 * substreams (the wide tiles show the 720p main streams when busy; idle, only the substreams
 * are decoded).
 */
export async function measureIdle(): Promise<IdleRow[]> {
  return [
    await measureMosaic('demo: 4 lavfi cameras → 1920x1080@25', demoConfig()),
    await measureRtsp(scenarios[0].cameraWidth),
    await measureRtsp(1280, 320),
  ];
}

/** The rows as Markdown, for bench.md and the README. */
export function idleMarkdown(rows: readonly IdleRow[]): string[] {
  return [
    `Idle mosaic (no viewer, output or snapshot for idleAfterMs): one process, busy and idle taking turns for`,
    `${roundCount} rounds of ${windowSeconds} s; CPU in % of one core, median round; "rounds" lists busy / idle.`,
    '',
    '| mosaic | busy CPU % | idle CPU % | idle: cameras / clock / x264 / Node | rounds | wake → keyframe ms | snapshot while idle ms | cold cameras → picture ms |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.mosaic} | ${r.busyCpuPercent} | ${r.idleCpuPercent} | ` +
        `${r.idleByThread.cameras} / ${r.idleByThread.clock} / ${r.idleByThread.x264} / ${r.idleByThread.other} | ` +
        `${r.rounds.join(', ')} | ${r.wakeToKeyframeMs} | ${r.snapshotWhileIdleMs} | ${r.coldCamerasToPictureMs} |`,
    ),
    '',
  ];
}

if (require.main === module) {
  measureIdle().then(
    (rows) => {
      const resultsDir = join(__dirname, '..', '..', 'bench', 'results');
      const heading = `# camera-mosaic idle benchmark (${new Date().toISOString()}, ${cpus().length} cores)`;
      const markdown = [heading, '', ...idleMarkdown(rows)].join('\n');
      mkdirSync(resultsDir, { recursive: true });
      writeFileSync(join(resultsDir, 'idle.json'), `${JSON.stringify(rows, null, 2)}\n`);
      writeFileSync(join(resultsDir, 'idle.md'), markdown);
      process.stdout.write(markdown);
      process.exit(0);
    },
    (error: unknown) => {
      process.stderr.write(`idle bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}
