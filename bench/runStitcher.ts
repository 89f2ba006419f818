/**
 * Runs one Stitcher from a config file until SIGTERM or SIGINT, in its own process so its cost can
 * be measured alone. Like ffmpeg's `-progress`, it prints `frame=N` (output frames so far) four
 * times a second; at the end, one JSON line with output frames and latency.
 * usage: node dist/bench/runStitcher.js CONFIG.json [RECORD.h264]
 */
import { createWriteStream, readFileSync } from 'node:fs';
import { Stitcher } from '../src/core/stitcher/stitcher';
import { createLogger } from '../src/core/logger';

async function main(): Promise<void> {
  const [configPath, recordPath] = process.argv.slice(2);
  const stitcher = new Stitcher(JSON.parse(readFileSync(configPath, 'utf8')), {
    logger: createLogger('bench', () => undefined),
  });
  const recording = recordPath ? createWriteStream(recordPath) : undefined;
  if (recording) stitcher.on('accessunit', (unit) => recording.write(unit.data));
  // Measured busy: the encoder must not rest for want of a viewer.
  const release = stitcher.want('bench');
  await stitcher.start();
  const progress = setInterval(() => process.stdout.write(`frame=${stitcher.stats().output.frames}\n`), 250);
  await new Promise((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  clearInterval(progress);
  release();
  const { output, cameras } = stitcher.stats();
  await stitcher.stop();
  await new Promise<void>((resolve) => (recording ? recording.end(resolve) : resolve()));
  const live = cameras.filter((c) => c.state === 'live').length;
  process.stdout.write(
    `${JSON.stringify({ frames: output.frames, skippedTicks: output.skippedTicks, latencyUs: output.latencyUs, live })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
