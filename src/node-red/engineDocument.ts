import { ConfigError, type ConfigIssue } from '../core/errors';
import { urlPasswords } from '../core/redact';

/** A camera row of the mosaic-engine node, as the editor stores it in the flow file. */
export interface CameraRow {
  name?: unknown;
  url?: unknown;
  transport?: unknown;
}

/** The mosaic-engine node's properties in the flow file (numbers may arrive as strings). */
export interface EngineNodeProperties {
  cameras?: unknown;
  width?: unknown;
  height?: unknown;
  fps?: unknown;
  bitrate?: unknown;
  staleTimeoutMs?: unknown;
  layout?: unknown;
  port?: unknown;
  host?: unknown;
}

/**
 * The credentials of a mosaic-engine node, kept by Node-RED in flows_cred.json, never in the flow
 * file: `users` is JSON `{"<camera>": "<user>"}` (shown in the editor), `passwords` is JSON
 * `{"<camera>": "<password>"}` (write-only: the editor never gets it back), `token` the bearer
 * token of the HTTP server.
 */
export interface EngineCredentials {
  users?: string;
  passwords?: string;
  token?: string;
  /** JSON array of publishing outputs (`outputs` in the core config); may hold logins. */
  outputs?: string;
}

export interface EngineDocument {
  /** For `new Engine(...)`: validated there, with the same ajv schema as every other host. */
  config: Record<string, unknown>;
  /** Passwords and the token, to mask in every log line. */
  secrets: string[];
}

/**
 * Turns the node's properties and credentials into a camera-mosaic config document: number
 * fields left empty take the schema's defaults, camera users and passwords are merged into the
 * rtsp:// URLs. Throws ConfigError for what the schema cannot see (JSON that does not parse).
 */
export function engineDocument(props: EngineNodeProperties, credentials: EngineCredentials): EngineDocument {
  const issues: ConfigIssue[] = [];
  const users = stringMap(credentials.users, 'credentials.users', issues);
  const passwords = stringMap(credentials.passwords, 'credentials.passwords', issues);
  const rows: unknown[] = Array.isArray(props.cameras) ? props.cameras : [];
  const cameras = rows.map((row: unknown) => {
    const { name, url, transport } = (typeof row === 'object' && row !== null ? row : {}) as CameraRow;
    const camera: Record<string, unknown> = { name, url };
    if (transport !== undefined && transport !== '') camera['transport'] = transport;
    if (typeof name === 'string' && typeof url === 'string') {
      camera['url'] = withLogin(url, users[name], passwords[name]);
    }
    return camera;
  });
  const output = definedOnly({
    width: numberOrRaw(props.width),
    height: numberOrRaw(props.height),
    fps: numberOrRaw(props.fps),
    bitrate: numberOrRaw(props.bitrate),
  });
  const server = definedOnly({
    port: numberOrRaw(props.port),
    host: props.host === '' ? undefined : props.host,
    token: credentials.token === '' ? undefined : credentials.token,
  });
  const config: Record<string, unknown> = { cameras, output, server };
  const stale = numberOrRaw(props.staleTimeoutMs);
  if (stale !== undefined) config['staleTimeoutMs'] = stale;
  const layout = parseJson(props.layout, 'layout', issues);
  if (layout !== undefined) config['layout'] = layout;
  const outputs = parseJson(credentials.outputs, 'outputs', issues);
  if (outputs !== undefined) config['outputs'] = outputs;
  if (issues.length > 0) throw new ConfigError(issues);
  const secrets = [
    ...Object.values(passwords),
    ...cameras.flatMap((c) => (typeof c['url'] === 'string' ? urlPasswords(c['url']) : [])),
    ...(credentials.token ? [credentials.token] : []),
    ...(Array.isArray(outputs)
      ? outputs.flatMap((o: unknown) => {
          const url = (typeof o === 'object' && o !== null ? (o as { url?: unknown }).url : undefined);
          return typeof url === 'string' ? urlPasswords(url) : [];
        })
      : []),
  ].filter((s) => s !== '');
  return { config, secrets };
}

/** The fields (`cameras[1].url`) of camera URLs in the flow file that carry a password. */
export function passwordsInFlowFile(cameras: unknown): string[] {
  if (!Array.isArray(cameras)) return [];
  return cameras.flatMap((row: unknown, i) => {
    const url = (typeof row === 'object' && row !== null ? row : {}) as CameraRow;
    return typeof url.url === 'string' && urlPasswords(url.url).length > 0 ? [`cameras[${i}].url`] : [];
  });
}

/** `rtsp://host/x` + user + password → `rtsp://user:password@host/x`; other URLs unchanged. */
export function withLogin(url: string, user: string | undefined, password: string | undefined): string {
  const match = /^(rtsps?:\/\/)(?:[^@/]*@)?(.*)$/i.exec(url);
  if (!match || (!user && !password)) return url;
  const login = encodeURIComponent(user ?? '') + (password ? `:${encodeURIComponent(password)}` : '');
  return `${match[1]}${login}@${match[2]}`;
}

function numberOrRaw(value: unknown): unknown {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  return value; // the schema names the field and says what it must be
}

function definedOnly(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));
}

function parseJson(value: unknown, field: string, issues: ConfigIssue[]): unknown {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === ''))
    return undefined;
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch (error) {
    issues.push({ field, reason: `is not valid JSON (${(error as Error).message})` });
    return undefined;
  }
}

function stringMap(value: string | undefined, field: string, issues: ConfigIssue[]): Record<string, string> {
  const parsed = parseJson(value, field, []);
  if (parsed === undefined) {
    // Never echo a credential: say only that it did not parse.
    if (value !== undefined && value.trim() !== '') issues.push({ field, reason: 'is not valid JSON' });
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    issues.push({ field, reason: 'must be an object of camera name → string' });
    return {};
  }
  const map: Record<string, string> = {};
  for (const [key, v] of Object.entries(parsed)) {
    if (typeof v === 'string') map[key] = v;
    else issues.push({ field: `${field}.${key}`, reason: 'must be a string' });
  }
  return map;
}
