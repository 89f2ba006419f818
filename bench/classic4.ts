/**
 * 4 RTSP cameras (640x360@25, H.264) → the classic four-pane 1920x1080@25 mosaic, libx264
 * ultrafast/zerolatency at 4 Mbit/s, GOP 50: camera-mosaic against ffmpeg's xstack doing the same
 * job on the same cameras in the same run. Figures: CPU seconds (user+sys) per output second and
 * peak RSS. Writes bench/results/classic4.json and .md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCameras } from '../test/fixtures/rtspCamera';
import { measureCommand, type ProcessCost } from './measureCommand';

const seconds = Number(process.env.BENCH_SECONDS ?? 20);
const fps = 25;
const resultsDir = join(__dirname, '..', '..', 'bench', 'results');

function xstackCommand(urls: string[]): string[] {
  const filter =
    '[0:v]scale=480:1080[l];[1:v]scale=960:540[t];[2:v]scale=960:540[b];[3:v]scale=480:1080[r];' +
    '[l][t][b][r]xstack=inputs=4:layout=0_0|480_0|480_540|1440_0:fill=black,fps=25,format=yuv420p[v]';
  return [
    'ffmpeg', '-hide_banner', '-nostdin',
    ...urls.flatMap((url) => ['-rtsp_transport', 'tcp', '-i', url]),
    '-filter_complex', filter, '-map', '[v]',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-profile:v', 'baseline',
    '-b:v', '4M', '-maxrate', '4M', '-bufsize', '2M', '-g', '50', '-t', String(seconds), '-f', 'null', '-',
  ];
}

function outputFrames(cost: ProcessCost, pattern: RegExp): number {
  const matches = [...(cost.stdout + cost.stderr).matchAll(pattern)];
  return matches.length ? Number(matches[matches.length - 1][1]) : 0;
}

async function main(): Promise<void> {
  const cameras = await startCameras(
    ['ff0000', '00ff00', '0000ff', 'ffff00'].map((colour) => ({ colour, width: 640, height: 360, fps })),
  );
  try {
    const urls = cameras.map((c) => c.url);
    const names = ['left', 'top', 'bottom', 'right'];
    const configPath = join(tmpdir(), `camera-mosaic-bench-${process.pid}.json`);
    writeFileSync(
      configPath,
      JSON.stringify({
        cameras: names.map((name, i) => ({ name, url: urls[i] })),
        output: { width: 1920, height: 1080, fps, bitrate: 4000000, gop: 50, preset: 'ultrafast' },
        layout: { preset: 'classic4', cameras: names },
      }),
    );
    const timeoutMs = (seconds + 30) * 1000;
    const runnerPath = join(__dirname, 'runStitcher.js');
    const ours = await measureCommand([process.execPath, runnerPath, configPath, String(seconds)], timeoutMs);
    const reference = await measureCommand(xstackCommand(urls), timeoutMs);

    const oursFrames = outputFrames(ours, /frames=(\d+)/g);
    const referenceFrames = outputFrames(reference, /frame=\s*(\d+)/g);
    const row = (name: string, cost: ProcessCost, frames: number) => ({
      name,
      outputFrames: frames,
      cpuPerOutputSecond: round(cost.cpuSeconds / (frames / fps)),
      peakRssMiB: round(cost.peakRssMiB),
      wallSeconds: round(cost.wallSeconds),
    });
    const rows = [row('camera-mosaic', ours, oursFrames), row('ffmpeg xstack', reference, referenceFrames)];
    const ratio = round(rows[0].cpuPerOutputSecond / rows[1].cpuPerOutputSecond);
    const result = {
      scenario: '4 cameras 640x360@25 → classic4 1920x1080@25',
      seconds,
      rows,
      cpuRatioOursToReference: ratio,
      referenceCommand: xstackCommand(urls.map((_, i) => `URL${i + 1}`)).join(' '),
    };
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(join(resultsDir, 'classic4.json'), `${JSON.stringify(result, null, 2)}\n`);
    const table = [
      `### ${result.scenario} (${seconds} s)`,
      '',
      '| | output frames | CPU s per output s | peak RSS MiB |',
      '|---|---|---|---|',
      ...rows.map((r) => `| ${r.name} | ${r.outputFrames} | ${r.cpuPerOutputSecond} | ${r.peakRssMiB} |`),
      '',
      `CPU ours / reference: **${ratio}**`,
      '',
    ].join('\n');
    writeFileSync(join(resultsDir, 'classic4.md'), table);
    process.stdout.write(`${table}\n`);
  } finally {
    await Promise.all(cameras.map((c) => c.stop()));
  }
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${String(error)}\n`);
  process.exit(1);
});
