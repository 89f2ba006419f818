/**
 * Named errors of camera-mosaic, so callers (CLI, Node-RED, Homebridge) can tell a user's mistake
 * from a bug without parsing messages.
 */

/** One problem found in a user's document, located by a JSON-path-like field name. */
export interface ConfigIssue {
  /** Where the problem is, e.g. `cameras[1].url` or `layout.tiles[0]`; `''` for the whole document. */
  field: string;
  /** Why it is wrong, e.g. `must start with rtsp://, rtsps:// or demo:`. */
  reason: string;
}

/** A config, layout or command the user wrote is invalid; `issues` lists every problem found. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    super(issues.map((i) => (i.field ? `${i.field}: ${i.reason}` : i.reason)).join('\n'));
    this.issues = issues;
  }
}

/** A method was called in a state that does not allow it, e.g. `snapshot()` before `start()`. */
export class InvalidStateError extends Error {
  override readonly name = 'InvalidStateError';
}

/** The native addon could not be loaded; `message` says which file and why. */
export class NativeLoadError extends Error {
  override readonly name = 'NativeLoadError';
}
