/**
 * `npm run bench`: for each scenario, on the same real RTSP cameras in one run, camera-mosaic
 * against ffmpeg's xstack making the same mosaic with the same x264 settings, and against the
 * floor (the inputs only decoded + one encode of the canvas). Figures: CPU seconds (user+sys) per
 * output second, peak RSS, stitcher latency. Then a new WHEP viewer's time to first frame and the
 * fan-out to many viewers. Results: bench/results/bench.json and bench.md.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCameras } from '../test/fixtures/rtspCamera';
import { measureCommand, type ProcessCost } from './measureCommand';
import { cameraNames, encoderSettings, ffmpegEncoderArgs, scenarios, xstackCommand, type Scenario } from './scenarios';
import { measureViewers, type ViewerFigures } from './viewerBench';
import { markdownReport, type BenchReport } from './report';

const seconds = Number(process.env.BENCH_SECONDS ?? 20);
const only = process.env.BENCH_ONLY; // e.g. "1,3": scenario numbers
export const resultsDir = join(__dirname, '..', '..', 'bench', 'results');

export interface Row {
  name: string;
  cpuPerOutputSecond: number;
  peakRssMiB: number;
}

export interface ScenarioResult {
  scenario: string;
  seconds: number;
  ours: Row & { outputFrames: number; skippedTicks: number; latencyMs: { p50: number; p95: number; p99: number } };
  reference: Row & { outputFrames: number; command: string };
  floor: { cpuPerOutputSecond: number; decodeCpuPerSecond: number; encodeCpuPerSecond: number };
  ratioToReference: number;
  overheadAboveFloorPercent: number;
}

function round(value: number, digits = 3): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

function lastNumber(text: string, pattern: RegExp): number {
  const matches = [...text.matchAll(pattern)];
  return matches.length ? Number(matches[matches.length - 1][1]) : 0;
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
        output: { width: scenario.width, height: scenario.height, fps: scenario.fps, bitrate, gop, preset: 'ultrafast' },
        layout: scenario.layout,
      }),
    );
    const timeoutMs = (seconds + 60) * 1000;
    const oursCost = await measureCommand(
      [process.execPath, join(__dirname, 'runStitcher.js'), configPath, String(seconds), recordPath],
      timeoutMs,
    );
    const oursRun = JSON.parse(oursCost.stdout.trim().split('\n').pop() ?? '{}') as {
      frames: number;
      skippedTicks: number;
      latencyUs: { p50: number; p95: number; p99: number };
    };
    const referenceCost = await measureCommand(xstackCommand(scenario, urls, seconds), timeoutMs);
    const referenceFrames = lastNumber(referenceCost.stderr, /frame=\s*(\d+)/g);

    // Floor, decode: each camera decoded by its own ffmpeg for the same time, all at once.
    const decodes = await Promise.all(
      urls.map((url) =>
        measureCommand(['ffmpeg', '-nostdin', '-rtsp_transport', 'tcp', '-i', url, '-t', String(seconds), '-f', 'null', '-'], timeoutMs),
      ),
    );
    const decodeCpu = decodes.reduce((sum, d) => sum + d.cpuSeconds, 0);
    // Floor, encode: our recorded canvas, decoded by one ffmpeg and encoded by another; only the
    // encoder is measured, so the figure is one encode of this exact picture.
    const rawCaps = ['-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${scenario.width}x${scenario.height}`, '-r', String(scenario.fps)];
    const encodeCost = await measureCommand(
      [
        'bash', '-c',
        `ffmpeg -v error -nostdin -i ${recordPath} ${rawCaps.join(' ')} - | ` +
          `/usr/bin/time -f '@@encode %U %S' ffmpeg -nostdin ${rawCaps.join(' ')} -i - ${ffmpegEncoderArgs(scenario).join(' ')} -f null -`,
      ],
      timeoutMs,
    );
    const encodeLine = encodeCost.stderr.split('\n').find((l) => l.startsWith('@@encode')) ?? '@@encode 0 0';
    const [encodeUser, encodeSys] = encodeLine.split(' ').slice(1).map(Number);
    const encodedFrames = lastNumber(encodeCost.stderr, /frame=\s*(\d+)/g) || oursRun.frames;

    const perOutputSecond = (cost: ProcessCost, frames: number) => cost.cpuSeconds / (frames / scenario.fps);
    const ours = perOutputSecond(oursCost, oursRun.frames);
    const reference = perOutputSecond(referenceCost, referenceFrames);
    const floorDecode = decodeCpu / seconds;
    const floorEncode = (encodeUser + encodeSys) / (encodedFrames / scenario.fps);
    const floor = floorDecode + floorEncode;
    return {
      scenario: scenario.name,
      seconds,
      ours: {
        name: 'camera-mosaic',
        outputFrames: oursRun.frames,
        skippedTicks: oursRun.skippedTicks,
        cpuPerOutputSecond: round(ours),
        peakRssMiB: round(oursCost.peakRssMiB, 1),
        latencyMs: {
          p50: round(oursRun.latencyUs.p50 / 1000, 1),
          p95: round(oursRun.latencyUs.p95 / 1000, 1),
          p99: round(oursRun.latencyUs.p99 / 1000, 1),
        },
      },
      reference: {
        name: 'ffmpeg xstack',
        outputFrames: referenceFrames,
        cpuPerOutputSecond: round(reference),
        peakRssMiB: round(referenceCost.peakRssMiB, 1),
        command: xstackCommand(scenario, urls.map((_, i) => `URL${i + 1}`), seconds).join(' '),
      },
      floor: { cpuPerOutputSecond: round(floor), decodeCpuPerSecond: round(floorDecode), encodeCpuPerSecond: round(floorEncode) },
      ratioToReference: round(ours / reference),
      overheadAboveFloorPercent: round(((ours - floor) / floor) * 100, 1),
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
    const report: BenchReport = { date: new Date().toISOString(), machine: `${cpus().length} cores`, results, viewers };
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
