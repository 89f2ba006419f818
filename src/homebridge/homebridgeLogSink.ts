import type { Logging } from 'homebridge';
import type { LogSink } from '../core/logger';

/**
 * Routes core log lines to Homebridge's logger (which prefixes the platform name), keeping the
 * part that wrote them: `[stitcher] camera left: live`. Passwords are masked before the sink.
 * The text goes in as an argument, not as the format: Homebridge formats with util.format, and a
 * `%` in a camera name or an FFmpeg message must print as written.
 */
export function homebridgeLogSink(log: Logging): LogSink {
  return (level, scope, message) => log[level]('%s', `[${scope}] ${message}`);
}
