/**
 * Runs one Stitcher from a config file for a number of seconds, in its own process so its cost
 * can be measured alone; prints `frames=N` (encoded output frames) at the end.
 * usage: node dist/bench/runStitcher.js CONFIG.json SECONDS
 */
import { readFileSync } from 'node:fs';
import { Stitcher } from '../src/core/stitcher/stitcher';
import { createLogger } from '../src/core/logger';

async function main(): Promise<void> {
  const [configPath, seconds] = process.argv.slice(2);
  const stitcher = new Stitcher(JSON.parse(readFileSync(configPath, 'utf8')), {
    logger: createLogger('bench', () => undefined),
  });
  let bytes = 0;
  stitcher.on('accessunit', (unit) => (bytes += unit.data.length));
  await stitcher.start();
  await new Promise((resolve) => setTimeout(resolve, Number(seconds) * 1000));
  const { output } = stitcher.stats();
  await stitcher.stop();
  process.stdout.write(`frames=${output.frames} bytes=${bytes} skipped=${output.skippedTicks}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
