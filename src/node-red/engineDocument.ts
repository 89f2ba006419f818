import { ConfigError, type ConfigIssue } from '../core/errors';
import { urlPasswords } from '../core/redact';

/** A camera row of the mosaic-engine node, as the editor stores it in the flow file. */
export interface CameraRow {
  name?: unknown;
  url?: unknown;
  /** The camera's substream; gets the same user and password from the credentials as `url`. */
  subUrl?: unknown;
  title?: unknown;
  /** `{enabled, sensitivity, masks}`, as an object or JSON text. */
  motion?: unknown;
  transport?: unknown;
  /** For rtsps://: the certificate's pinned SHA-256 fingerprint. */
  tlsFingerprint?: unknown;
  /** Follow an RTSP redirect to another host (without the credentials). */
  followRedirects?: unknown;
  /** Which `password<n>` credential holds this camera's password (see {@link passwordSlotKey}). */
  passwordSlot?: unknown;
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
  /** JSON: `{names, clock, position, font}`, the labels of the mosaic (of every mosaic without its own). */
  labels?: unknown;
  /** JSON: `[{name, output, layout, labels}]`; the node's output, layout and labels are their defaults. */
  mosaics?: unknown;
  port?: unknown;
  host?: unknown;
  /** Origins allowed cross-origin access (`server.corsOrigins`), separated by spaces or commas. */
  corsOrigins?: unknown;
  /** Extra host names (`server.allowedHosts`), separated by spaces or commas. */
  allowedHosts?: unknown;
  /** The RTSP server's checkbox (`server.rtsp` on); its port and user name. */
  rtsp?: unknown;
  rtspPort?: unknown;
  rtspUsername?: unknown;
}

/**
 * `server.rtsp` from the checkbox, port, user name and password credential; left out while the
 * box is unticked (the fields keep their values in the node for when it is ticked again).
 */
function rtspDocument(props: EngineNodeProperties, credentials: EngineCredentials): unknown {
  if (props.rtsp !== true && props.rtsp !== 'true') return undefined;
  return definedOnly({
    port: numberOrRaw(props.rtspPort),
    username: props.rtspUsername === '' ? undefined : props.rtspUsername,
    password: credentials.rtspPassword === '' ? undefined : credentials.rtspPassword,
  });
}

/**
 * Cameras' passwords are one credential each, `password0` … `password63`, the slot named by the
 * camera's `passwordSlot`. Node-RED replaces a credential whole and never sends a password back to
 * the editor, so with all passwords in one credential, typing one camera's password would have to
 * overwrite every other's; with one credential per camera, what is not typed is kept. A slot
 * stays with its camera row through renames and reordering; mosaic-engine.html keeps its own
 * copy of this count.
 */
export const PASSWORD_SLOTS = 64;

export function passwordSlotKey(slot: number): `password${number}` {
  return `password${slot}`;
}

/**
 * The credentials of a mosaic-engine node, kept by Node-RED in flows_cred.json, never in the flow
 * file: `users` is JSON `{"<camera>": "<user>"}` (shown in the editor), `password<n>` the password
 * of the camera whose `passwordSlot` is n (write-only: the editor never gets it back), `token` the
 * bearer token of the HTTP server. `passwords`, JSON `{"<camera>": "<password>"}`, is what older
 * versions stored; it still counts for a camera without a slot.
 */
export interface EngineCredentials {
  users?: string;
  passwords?: string;
  [slot: `password${number}`]: string | undefined;
  token?: string;
  /** The password RTSP clients must give the RTSP server (`server.rtsp.password`). */
  rtspPassword?: string;
  /**
   * Publishing outputs (`outputs` in the core config), which may hold logins: a JSON array (the
   * first mosaic's), or with `mosaics` a JSON object `{"<mosaic>": [outputs]}`.
   */
  outputs?: string;
}

export interface EngineDocument {
  /** For `new Engine(...)`: validated there, with the same ajv schema as every other host. */
  config: Record<string, unknown>;
  /**
   * Every camera password the credentials hold, used or not, to mask besides the config's own
   * secrets (which the media core collects from `config`: URL passwords, the token).
   */
  storedPasswords: string[];
}

/**
 * Turns the node's properties and credentials into a camera-mosaic config document: number
 * fields left empty take the schema's defaults, camera users and passwords are merged into the
 * rtsp:// URLs. Throws ConfigError for what the schema cannot see (JSON that does not parse).
 */
export function engineDocument(props: EngineNodeProperties, credentials: EngineCredentials): EngineDocument {
  const issues: ConfigIssue[] = [];
  const users = stringMap(credentials.users, 'credentials.users', issues);
  const legacyPasswords = stringMap(credentials.passwords, 'credentials.passwords', issues);
  const rows: unknown[] = Array.isArray(props.cameras) ? props.cameras : [];
  const passwords = rows.map((row) => cameraPassword(row, credentials, legacyPasswords));
  const cameras = rows.map((row: unknown, i) => cameraDocument(row, i, users, passwords[i], issues));
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
    corsOrigins: wordList(props.corsOrigins),
    allowedHosts: wordList(props.allowedHosts),
    rtsp: rtspDocument(props, credentials),
  });
  const config: Record<string, unknown> = { cameras };
  const stale = numberOrRaw(props.staleTimeoutMs);
  if (stale !== undefined) config['staleTimeoutMs'] = stale;
  const layout = parseJson(props.layout, 'layout', issues);
  const labels = parseJson(props.labels, 'labels', issues);
  const mosaics = parseJson(props.mosaics, 'mosaics', issues);
  const outputs = parseJson(credentials.outputs, 'outputs', issues);
  if (mosaics === undefined) {
    config['output'] = output;
    if (layout !== undefined) config['layout'] = layout;
    if (labels !== undefined) config['labels'] = labels;
    if (outputs !== undefined) config['outputs'] = outputs;
  } else {
    config['mosaics'] = withMosaicDefaults(mosaics, { output, layout, labels }, outputs, issues);
  }
  config['server'] = server;
  if (issues.length > 0) throw new ConfigError(issues);
  const storedPasswords = [...Object.values(legacyPasswords), ...slotPasswords(credentials)].filter(
    (s) => s !== '',
  );
  return { config, storedPasswords };
}

/** `"a b, c"` → `['a', 'b', 'c']`; empty → undefined (the default); other values as they are. */
function wordList(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const words = value.split(/[\s,]+/).filter((w) => w !== '');
  return words.length > 0 ? words : undefined;
}

/** Every stored camera password, used or not: each is masked wherever it shows. */
function slotPasswords(credentials: EngineCredentials): string[] {
  return Array.from({ length: PASSWORD_SLOTS }, (_, slot) => credentials[passwordSlotKey(slot)] ?? '');
}

/** The camera's own password credential, else what older versions stored under its name. */
function cameraPassword(
  row: unknown,
  credentials: EngineCredentials,
  legacyPasswords: Record<string, string>,
): string | undefined {
  const { name, passwordSlot } = asCameraRow(row);
  const slot = Number(passwordSlot);
  if (passwordSlot !== undefined && Number.isInteger(slot) && slot >= 0 && slot < PASSWORD_SLOTS) {
    const password = credentials[passwordSlotKey(slot)];
    if (password) return password;
  }
  return typeof name === 'string' ? legacyPasswords[name] : undefined;
}

function asCameraRow(row: unknown): CameraRow {
  return (typeof row === 'object' && row !== null ? row : {}) as CameraRow;
}

function cameraDocument(
  row: unknown,
  index: number,
  users: Record<string, string>,
  password: string | undefined,
  issues: ConfigIssue[],
): Record<string, unknown> {
  const { name, url, subUrl, title, motion, transport, tlsFingerprint, followRedirects } = asCameraRow(row);
  const camera: Record<string, unknown> = { name, url };
  if (subUrl !== undefined && subUrl !== '') camera['subUrl'] = subUrl;
  if (title !== undefined && title !== '') camera['title'] = title;
  const motionSettings = parseJson(motion, `cameras[${index}].motion`, issues);
  if (motionSettings !== undefined) camera['motion'] = motionSettings;
  if (transport !== undefined && transport !== '') camera['transport'] = transport;
  if (tlsFingerprint !== undefined && tlsFingerprint !== '') camera['tlsFingerprint'] = tlsFingerprint;
  if (followRedirects !== undefined) camera['followRedirects'] = followRedirects;
  if (typeof name === 'string') {
    // A camera's main and sub streams share its login: both come from the credentials.
    for (const key of ['url', 'subUrl'] as const) {
      const value = camera[key];
      if (typeof value === 'string') camera[key] = withLogin(value, users[name], password);
    }
  }
  return camera;
}

/**
 * `mosaics` with the node's Output, Layout and Labels as the defaults of each entry, and each
 * entry's publishing outputs from the credentials (an array: the first mosaic's; an object: by
 * mosaic name), so that logins stay out of the flow file.
 */
function withMosaicDefaults(
  mosaics: unknown,
  defaults: { output: Record<string, unknown>; layout: unknown; labels: unknown },
  outputs: unknown,
  issues: ConfigIssue[],
): unknown {
  if (!Array.isArray(mosaics)) return mosaics; // the schema says what it must be
  const byName = isRecord(outputs) ? outputs : undefined;
  if (outputs !== undefined && !byName && !Array.isArray(outputs)) {
    issues.push({ field: 'outputs', reason: 'must be an array, or an object of mosaic name → array' });
  }
  return mosaics.map((entry: unknown, i) => {
    if (!isRecord(entry)) return entry;
    const mosaic: Record<string, unknown> = { ...entry };
    const own = entry['output'];
    // Not an object: left as written for the schema to name.
    mosaic['output'] = own === undefined || isRecord(own) ? { ...defaults.output, ...own } : own;
    if (mosaic['layout'] === undefined && defaults.layout !== undefined) mosaic['layout'] = defaults.layout;
    if (mosaic['labels'] === undefined && defaults.labels !== undefined) mosaic['labels'] = defaults.labels;
    const named = byName && typeof entry['name'] === 'string' ? byName[entry['name']] : undefined;
    const fromCredentials = byName ? named : i === 0 ? outputs : undefined;
    if (fromCredentials !== undefined) mosaic['outputs'] = fromCredentials;
    return mosaic;
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The fields (`cameras[1].url`, `cameras[0].subUrl`, `mosaics[1].outputs[0].url`) of URLs in the
 * flow file that carry a password.
 */
export function passwordsInFlowFile(cameras: unknown, mosaics?: unknown): string[] {
  const rows: unknown[] = Array.isArray(cameras) ? cameras : [];
  const inCameras = rows.flatMap((row: unknown, i) => {
    const camera = (typeof row === 'object' && row !== null ? row : {}) as CameraRow;
    return (['url', 'subUrl'] as const).flatMap((key) => {
      const url = camera[key];
      return typeof url === 'string' && urlPasswords(url).length > 0 ? [`cameras[${i}].${key}`] : [];
    });
  });
  const entries = parseJson(mosaics, 'mosaics', []);
  const inMosaics = (Array.isArray(entries) ? entries : []).flatMap((entry: unknown, i) => {
    const outputs = isRecord(entry) && Array.isArray(entry['outputs']) ? entry['outputs'] : [];
    return outputs.flatMap((o: unknown, j) => {
      const url = isRecord(o) ? o['url'] : undefined;
      return typeof url === 'string' && urlPasswords(url).length > 0
        ? [`mosaics[${i}].outputs[${j}].url`]
        : [];
    });
  });
  return [...inCameras, ...inMosaics];
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
