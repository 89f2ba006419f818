import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The reliability suite runs twice over: a short version of every scenario in `npm test`, and the
 * full one in `npm run soak` (SOAK=full), which also writes its figures to bench/results/.
 */
export const fullSoak = process.env.SOAK === 'full';

/** `short` in npm test, `full` in npm run soak. */
export function scaled(short: number, full: number): number {
  return fullSoak ? full : short;
}

/** Prints a scenario's figures, and in the full run writes them to bench/results/soak-NAME.json. */
export function reportFigures(name: string, figures: Record<string, unknown>): void {
  process.stdout.write(`# soak ${name}: ${JSON.stringify(figures)}\n`);
  if (!fullSoak) return;
  const dir = join(__dirname, '..', '..', '..', 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, `soak-${name}.json`),
    `${JSON.stringify({ date: new Date().toISOString(), ...figures }, null, 2)}\n`,
  );
}
