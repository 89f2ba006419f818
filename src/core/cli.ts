#!/usr/bin/env node
/**
 * camera-mosaic: `--config FILE` or `--demo` starts the mosaic and its HTTP/WebRTC server; config
 * errors are printed with their field names; SIGINT/SIGTERM close viewers, server and cameras.
 */
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { closestName } from './config/closestName';
import { parseConfigJson } from './config/parseConfigJson';
import { demoConfig } from './demoConfig';
import { Engine } from './engine';
import { ConfigError } from './errors';
import { createLogger } from './logger';

const usage = `usage: camera-mosaic (--config FILE | --demo) [--port N] [--host ADDRESS] [--record FILE.h264]

  --config FILE   the mosaic's JSON config (cameras, output, layout, server)
  --demo          synthetic test cameras, no hardware needed
  --port N        HTTP port of the player page and WHEP (default: server.port, 8081)
  --host ADDRESS  address to listen on (default: server.host, 0.0.0.0)
  --record FILE   also write the encoded mosaic (H.264 Annex-B) to FILE
  --help          this text`;

/** A clean shutdown that takes longer than this is cut short (exit code 1). */
const shutdownLimitMs = 3000;

const log = createLogger('cli');

function readConfig(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError([{ field: '', reason: `cannot read ${path}: ${(error as Error).message}` }]);
  }
  return parseConfigJson(text, path);
}

const options = {
  config: { type: 'string' },
  demo: { type: 'boolean' },
  port: { type: 'string' },
  host: { type: 'string' },
  record: { type: 'string' },
  help: { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];

/** The command line's options, or undefined after printing what is wrong with it and the usage. */
function commandLine(): ReturnType<typeof parseArgs<{ options: typeof options }>>['values'] | undefined {
  try {
    return parseArgs({ options }).values;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (!code?.startsWith('ERR_PARSE_ARGS_')) throw error;
    process.stderr.write(`camera-mosaic: ${argumentProblem((error as Error).message)}\n\n${usage}\n`);
    return undefined;
  }
}

/** parseArgs's text, shorter, with the option a typo most likely meant. */
function argumentProblem(message: string): string {
  const unknown = /^Unknown option '(-[^']*)'/.exec(message)?.[1];
  if (unknown === undefined) return message.split('. ')[0];
  const meant = closestName(unknown.replace(/^-+/, '').split('=')[0], Object.keys(options));
  return `unknown option ${unknown}${meant === undefined ? '' : ` (did you mean --${meant}?)`}`;
}

function parsePort(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError([{ field: '--port', reason: 'must be an integer from 0 to 65535' }]);
  }
  return port;
}

async function main(): Promise<number> {
  const values = commandLine();
  if (!values) return 2;
  if (values.help || (!values.config && !values.demo)) {
    process.stdout.write(`${usage}\n`);
    return values.help ? 0 : 2;
  }
  const engine = new Engine(values.demo ? demoConfig() : readConfig(values.config ?? ''), {
    port: parsePort(values.port),
    host: values.host,
  });
  let recording: WriteStream | undefined;
  if (values.record) {
    recording = createWriteStream(values.record);
    engine.stitcher.on('accessunit', (unit) => recording?.write(unit.data));
    engine.stitcher.want('record'); // a recording is always watching
  }
  await engine.start();

  // One line a second in the spirit of the system we replace: output fps, viewers, camera states.
  const ticker = setInterval(() => {
    const stats = engine.stats();
    const cameras = stats.cameras.map((c) => `${c.name}=${c.state}@${c.fps}`).join(' ');
    log.info(`fps=${stats.fps} frames=${stats.total_frames} clients=${stats.clients} ${cameras}`);
  }, 1000);

  const signal = await new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  log.info(`${signal}: closing viewers, server and cameras`);
  clearInterval(ticker);
  const cutShort = setTimeout(() => {
    log.error(`shutdown took over ${shutdownLimitMs} ms; exiting anyway`);
    process.exit(1);
  }, shutdownLimitMs);
  cutShort.unref();
  await engine.close();
  await new Promise<void>((resolve) => (recording ? recording.end(resolve) : resolve()));
  clearTimeout(cutShort);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`camera-mosaic: invalid config:\n  ${error.message.split('\n').join('\n  ')}\n`);
      process.exit(2);
    }
    const code = (error as NodeJS.ErrnoException).code;
    const hint = code === 'EADDRINUSE' ? ' (the port is taken: try --port N)' : '';
    process.stderr.write(`camera-mosaic: ${error instanceof Error ? error.message : String(error)}${hint}\n`);
    process.exit(1);
  },
);
