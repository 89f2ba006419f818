import { redactText } from './redact';

/** Levels in increasing severity. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const severity: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** Where log lines go. Hosts take it over: Node-RED → `node.warn`, Homebridge → `log`. */
export type LogSink = (level: LogLevel, scope: string, message: string) => void;

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** The default sink: stderr, `info` and above unless `CAMERA_MOSAIC_LOG` names another level. */
function stderrSink(level: LogLevel, scope: string, message: string): void {
  const threshold = (process.env.CAMERA_MOSAIC_LOG as LogLevel | undefined) ?? 'info';
  if (severity[level] < (severity[threshold] ?? severity.info)) return;
  process.stderr.write(`${new Date().toISOString()} ${level.padEnd(5)} [${scope}] ${message}\n`);
}

/**
 * A logger for one part (`scope`), writing to `sink`. Every line passes through `redactText`,
 * so a password that slipped into a message is masked before any host sees it.
 */
export function createLogger(
  scope: string,
  sink: LogSink = stderrSink,
  secrets: readonly string[] = [],
): Logger {
  const write = (level: LogLevel) => (message: string) => sink(level, scope, redactText(message, secrets));
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
