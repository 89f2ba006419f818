import { ConfigError } from '../core/errors';
import type { Node, NodeStatus } from './nodeRedTypes';

/**
 * The one place that turns a failure into what a Node-RED user reads. Every node reports errors
 * as plain text (`node.error(text, msg)` or `done(text)`): the debug sidebar shows an Error object
 * as `{ name, message }` to be expanded, a string as the sentence itself, and a Catch node gets the
 * same text in `msg.error.message`.
 */

/** A socket error of `listen()`: Node.js sets `code`, `port` and `address` on it. */
interface ListenError extends Error {
  code: string;
  port: number;
}

function listenError(error: unknown, code: string): ListenError | undefined {
  if (!(error instanceof Error)) return undefined;
  const { code: actual, port } = error as Partial<ListenError>;
  return actual === code && typeof port === 'number' ? (error as ListenError) : undefined;
}

/** The whole text of a failure: every issue of a ConfigError, one per line; the way out for a taken port. */
export function errorText(error: unknown): string {
  const inUse = listenError(error, 'EADDRINUSE');
  if (inUse) {
    return (
      `port ${inUse.port} is in use: another mosaic-engine or another program listens on it; ` +
      `choose another Port in the mosaic-engine node`
    );
  }
  const denied = listenError(error, 'EACCES');
  if (denied) {
    return (
      `port ${denied.port} needs more rights than Node-RED has (ports below 1024 need root); ` +
      `choose a Port from 1024 up in the mosaic-engine node`
    );
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

/** A short text for a node status (60 characters at most): the first issue, or the first line. */
export function shortReason(error: unknown): string {
  const inUse = listenError(error, 'EADDRINUSE');
  if (inUse) return `port ${inUse.port} in use`;
  const text =
    error instanceof ConfigError && error.issues[0]
      ? error.issues[0].field
        ? `${error.issues[0].field}: ${error.issues[0].reason}`
        : error.issues[0].reason
      : errorText(error);
  let line = text.split('\n')[0];
  // A list in parentheses (the known commands, the presets) is what the sidebar text is for.
  if (line.length > 60 && line.includes(' (')) line = line.slice(0, line.indexOf(' ('));
  return line.length > 60 ? `${line.slice(0, 57)}...` : line;
}

/** The red ring every node shows when something it did failed, with the reason in short. */
export function failureStatus(error: unknown): NodeStatus {
  return { fill: 'red', shape: 'ring', text: shortReason(error) };
}

/** A failure outside any message (at deploy, on a timer): red ring and the text in the sidebar. */
export function reportFailure(node: Node, error: unknown): void {
  node.status(failureStatus(error));
  node.error(errorText(error));
}
