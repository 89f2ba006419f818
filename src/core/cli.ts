#!/usr/bin/env node
/**
 * camera-mosaic: `--config FILE` or `--demo` starts the mosaic; config errors are printed with
 * their field names; SIGINT/SIGTERM stop it cleanly.
 */
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { demoConfig } from './demoConfig';
import { ConfigError } from './errors';
import { createLogger } from './logger';
import { Stitcher } from './stitcher/stitcher';

const usage = `usage: camera-mosaic (--config FILE | --demo) [--record FILE.h264]

  --config FILE   the mosaic's JSON config (cameras, output, layout, server)
  --demo          synthetic test cameras, no hardware needed
  --record FILE   also write the encoded mosaic (H.264 Annex-B) to FILE
  --help          this text`;

const log = createLogger('cli');

function readConfig(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError([{ field: '', reason: `cannot read ${path}: ${(error as Error).message}` }]);
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      config: { type: 'string' },
      demo: { type: 'boolean' },
      record: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help || (!values.config && !values.demo)) {
    process.stdout.write(`${usage}\n`);
    return values.help ? 0 : 2;
  }
  const stitcher = new Stitcher(values.demo ? demoConfig() : readConfig(values.config ?? ''));
  let recording: WriteStream | undefined;
  if (values.record) {
    recording = createWriteStream(values.record);
    stitcher.on('accessunit', (unit) => recording?.write(unit.data));
  }
  await stitcher.start();

  // One line a second in the spirit of the system we replace: output fps and per-tile states.
  const ticker = setInterval(() => {
    const stats = stitcher.stats();
    const cameras = stats.cameras.map((c) => `${c.name}=${c.state}@${c.fps}`).join(' ');
    log.info(`fps=${stats.output.measuredFps} frames=${stats.output.frames} ${cameras}`);
  }, 1000);

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  clearInterval(ticker);
  await stitcher.stop();
  await new Promise<void>((resolve) => (recording ? recording.end(resolve) : resolve()));
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`camera-mosaic: invalid config:\n  ${error.message.split('\n').join('\n  ')}\n`);
      process.exit(2);
    }
    process.stderr.write(`camera-mosaic: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
