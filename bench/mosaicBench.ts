/**
 * `npm run bench`: for each scenario, on the same real RTSP cameras in one run, camera-mosaic
 * against ffmpeg's xstack making the same mosaic with the same x264 settings, and against the
 * floor (the inputs only decoded + one encode of the canvas). Figures: CPU seconds (user+sys) per
 * output second in the steady state (measureWindow.ts), ours and the reference taking turns for
 * BENCH_ROUNDS rounds; peak RSS; stitcher latency. Then a new WHEP viewer's time to first frame
 * and the fan-out to many viewers; then each mosaic busy against idle (idleBench.ts); then what
 * each transport (WebRTC, RTSP, MSE, HLS) costs per client, side by side (transportBench.ts).
 * Results: bench/results/bench.json and bench.md (and transports.json and transports.md).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCameras } from '../test/fixtures/rtspCamera';
import { measureCommand } from './measureCommand';
import { measureWindow, type WindowCost } from './measureWindow';
import {
  cameraNames,
  encoderSettings,
  ffmpegEncoderArgs,
  scenarios,
  xstackCommand,
  type Scenario,
} from './scenarios';
import { measureViewers, type ViewerFigures } from './viewerBench';
import { measureIdle, type IdleRow } from './idleBench';
import { measureTransports, writeTransportResults, type TransportFigures } from './transportBench';
import { markdownReport, type BenchReport } from './report';

const windowSeconds = Number(process.env.BENCH_SECONDS ?? 12);
const warmupSeconds = 3;
const roundCount = Number(process.env.BENCH_ROUNDS ?? 5);
const only = process.env.BENCH_ONLY; // e.g. "1,3": scenario numbers
export const resultsDir = join(__dirname, '..', '..', 'bench', 'results');

export interface Row {
  name: string;
  cpuPerOutputSecond: number;
  peakRssMiB: number;
}

/** One turn of ours then the reference: CPU per output second and the frame rate each held. */
export interface Round {
  ours: number;
  reference: number;
  oursFps: number;
  referenceFps: number;
  /** Ours split by thread, per output second (see oursByThread). */
  oursByThread: ThreadShare;
}

/**
 * Where our CPU goes, from the thread names: the cameras' threads (demux + decode), the output
 * clock (compose + scale + x264's main work), x264's slice threads, and the rest (Node).
 */
export interface ThreadShare {
  cameras: number;
  clock: number;
  x264Slices: number;
  other: number;
}

const shareOfThread: Record<string, keyof ThreadShare> = {
  'cm-cam': 'cameras',
  'cm-sub': 'cameras',
  'cm-clock': 'clock',
  'cm-x264': 'x264Slices',
};

function threadShare(byKind: Record<string, number>, perOutputSecond: number): ThreadShare {
  const share: ThreadShare = { cameras: 0, clock: 0, x264Slices: 0, other: 0 };
  for (const [kind, cpu] of Object.entries(byKind))
    share[shareOfThread[kind] ?? 'other'] += cpu * perOutputSecond;
  return {
    cameras: rounded(share.cameras),
    clock: rounded(share.clock),
    x264Slices: rounded(share.x264Slices),
    other: rounded(share.other),
  };
}

export interface ScenarioResult {
  scenario: string;
  windowSeconds: number;
  rounds: Round[];
  ours: Row & {
    skippedTicks: number;
    latencyMs: { p50: number; p95: number; p99: number };
    /** The median round's split. */
    byThread: ThreadShare;
  };
  reference: Row & { command: string };
  floor: { cpuPerOutputSecond: number; decodeCpuPerSecond: number; encodeCpuPerSecond: number };
  ratioToReference: number;
  overheadAboveFloorPercent: number;
}

function rounded(value: number, digits = 3): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

function lastNumber(text: string, pattern: RegExp): number {
  const matches = [...text.matchAll(pattern)];
  return matches.length ? Number(matches[matches.length - 1][1]) : 0;
}

/** `frame=N` lines: ffmpeg's `-progress pipe:1` and runStitcher's own. */
function progressFrames(line: string): number | undefined {
  const match = /^frame=(\d+)$/.exec(line.trim());
  return match ? Number(match[1]) : undefined;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** ffmpeg reporting its frame count four times a second on stdout, for measureWindow. */
function withProgress(command: string[]): string[] {
  return [command[0], '-progress', 'pipe:1', '-stats_period', '0.25', ...command.slice(1)];
}

async function runScenario(scenario: Scenario, work: string): Promise<ScenarioResult> {
  const cameras = await startCameras(
    Array.from({ length: scenario.cameras }, () => ({
      pattern: 'ball', // moving content: the decoders and x264 work as on a real scene
      width: scenario.cameraWidth,
      height: scenario.cameraHeight,
      fps: scenario.fps,
    })),
  );
  try {
    const urls = cameras.map((c) => c.url);
    const names = cameraNames(scenario);
    const { bitrate, gop } = encoderSettings(scenario);
    const configPath = join(work, 'config.json');
    const recordPath = join(work, 'mosaic.h264');
    writeFileSync(
      configPath,
      JSON.stringify({
        cameras: names.map((name, i) => ({ name, url: urls[i] })),
        output: {
          width: scenario.width,
          height: scenario.height,
          fps: scenario.fps,
          bitrate,
          gop,
          preset: 'ultrafast',
        },
        layout: scenario.layout,
      }),
    );
    const window = { warmupSeconds, windowSeconds, frameCount: progressFrames, startTimeoutMs: 60000 };
    const perOutputSecond = (cost: WindowCost) => cost.cpuPerSecond / (cost.framesPerSecond / scenario.fps);

    // Ours and the reference take turns, so that a noisy neighbour on this shared machine
    // lands on both rather than on one; each side's figure is its median round.
    const rounds: Round[] = [];
    let latencyUs = { p50: 0, p95: 0, p99: 0 };
    let skippedTicks = 0;
    let oursPeak = 0;
    let referencePeak = 0;
    for (let round = 0; round < roundCount; round++) {
      const record = round === 0 ? [recordPath] : []; // the floor's encoder re-encodes this canvas
      const ours = await measureWindow(
        [process.execPath, join(__dirname, 'runStitcher.js'), configPath, ...record],
        window,
      );
      const summary = JSON.parse(ours.stdout.trim().split('\n').pop() ?? '{}') as {
        skippedTicks: number;
        latencyUs: { p50: number; p95: number; p99: number };
      };
      if (round === 0) ({ latencyUs, skippedTicks } = summary);
      const reference = await measureWindow(withProgress(xstackCommand(scenario, urls)), window);
      oursPeak = Math.max(oursPeak, ours.peakRssMiB);
      referencePeak = Math.max(referencePeak, reference.peakRssMiB);
      rounds.push({
        ours: rounded(perOutputSecond(ours)),
        reference: rounded(perOutputSecond(reference)),
        oursFps: rounded(ours.framesPerSecond, 1),
        referenceFps: rounded(reference.framesPerSecond, 1),
        // CPU per wall second → per output second: the same factor as perOutputSecond's.
        oursByThread: threadShare(ours.cpuPerThreadKind, scenario.fps / ours.framesPerSecond),
      });
    }

    // Floor, decode: each camera decoded by its own ffmpeg over the same window, all at once.
    const decodes = await Promise.all(
      urls.map((url) =>
        measureWindow(
          withProgress(['ffmpeg', '-nostdin', '-rtsp_transport', 'tcp', '-i', url, '-f', 'null', '-']),
          window,
        ),
      ),
    );
    const floorDecode = decodes.reduce((sum, d) => sum + d.cpuPerSecond, 0);
    // Floor, encode: our recorded canvas, decoded by one ffmpeg and encoded by another; only the
    // encoder is measured, so the figure is one encode of this exact picture.
    const rawCaps = [
      '-f',
      'rawvideo',
      '-pix_fmt',
      'yuv420p',
      '-s',
      `${scenario.width}x${scenario.height}`,
      '-r',
      String(scenario.fps),
    ];
    const encodeCost = await measureCommand(
      [
        'bash',
        '-c',
        `ffmpeg -v error -nostdin -i ${recordPath} ${rawCaps.join(' ')} - | ` +
          `/usr/bin/time -f '@@encode %U %S' ffmpeg -nostdin ${rawCaps.join(' ')} -i - ${ffmpegEncoderArgs(scenario).join(' ')} -f null -`,
      ],
      120000,
    );
    const encodeLine = encodeCost.stderr.split('\n').find((l) => l.startsWith('@@encode')) ?? '@@encode 0 0';
    const [encodeUser, encodeSys] = encodeLine.split(' ').slice(1).map(Number);
    const encodedFrames = lastNumber(encodeCost.stderr, /frame=\s*(\d+)/g);
    const floorEncode = (encodeUser + encodeSys) / (encodedFrames / scenario.fps);
    const floor = floorDecode + floorEncode;

    const ours = median(rounds.map((r) => r.ours));
    const reference = median(rounds.map((r) => r.reference));
    const medianRound = [...rounds].sort((a, b) => a.ours - b.ours)[Math.floor(rounds.length / 2)];
    return {
      scenario: scenario.name,
      windowSeconds,
      rounds,
      ours: {
        name: 'camera-mosaic',
        skippedTicks,
        cpuPerOutputSecond: rounded(ours),
        peakRssMiB: rounded(oursPeak, 1),
        byThread: medianRound.oursByThread,
        latencyMs: {
          p50: rounded(latencyUs.p50 / 1000, 1),
          p95: rounded(latencyUs.p95 / 1000, 1),
          p99: rounded(latencyUs.p99 / 1000, 1),
        },
      },
      reference: {
        name: 'ffmpeg xstack',
        cpuPerOutputSecond: rounded(reference),
        peakRssMiB: rounded(referencePeak, 1),
        command: xstackCommand(
          scenario,
          urls.map((_, i) => `URL${i + 1}`),
        ).join(' '),
      },
      floor: {
        cpuPerOutputSecond: rounded(floor),
        decodeCpuPerSecond: rounded(floorDecode),
        encodeCpuPerSecond: rounded(floorEncode),
      },
      ratioToReference: rounded(ours / reference),
      overheadAboveFloorPercent: rounded(((ours - floor) / floor) * 100, 1),
    };
  } finally {
    await Promise.all(cameras.map((c) => c.stop()));
  }
}

async function main(): Promise<void> {
  const work = join(tmpdir(), `camera-mosaic-bench-${process.pid}`);
  mkdirSync(work, { recursive: true });
  mkdirSync(resultsDir, { recursive: true });
  const chosen = scenarios.filter((_, i) => !only || only.split(',').includes(String(i + 1)));
  const results: ScenarioResult[] = [];
  try {
    for (const scenario of chosen) {
      process.stderr.write(`bench: ${scenario.name}\n`);
      results.push(await runScenario(scenario, work));
    }
    let viewers: ViewerFigures | undefined;
    if (process.env.BENCH_VIEWERS !== '0') {
      process.stderr.write('bench: viewers\n');
      viewers = await measureViewers(work);
    }
    let idle: IdleRow[] | undefined;
    if (process.env.BENCH_IDLE !== '0') {
      process.stderr.write('bench: idle mosaics\n');
      idle = await measureIdle();
    }
    let transports: TransportFigures | undefined;
    if (process.env.BENCH_TRANSPORTS !== '0') {
      process.stderr.write('bench: transports\n');
      transports = await measureTransports();
      writeTransportResults(transports);
    }
    const report: BenchReport = {
      date: new Date().toISOString(),
      machine: `${cpus().length} cores`,
      results,
      viewers,
      idle,
      transports,
    };
    writeFileSync(join(resultsDir, 'bench.json'), `${JSON.stringify(report, null, 2)}\n`);
    const markdown = markdownReport(report);
    writeFileSync(join(resultsDir, 'bench.md'), markdown);
    process.stdout.write(markdown);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
