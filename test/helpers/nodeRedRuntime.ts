/**
 * A real Node-RED for end-to-end tests: its own process (any Node.js binary and node-red
 * package), a temporary user dir with this package installed as `npm install <repo>` would (a
 * symlink in node_modules plus the dependency in package.json), a settings.js on loopback with a
 * fixed credentialSecret, and its admin HTTP API and /comms websocket (what the editor sees).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { after, before } from 'node:test';
import { join } from 'node:path';
import WebSocket from 'ws';
import { cachedPackages, nodeBinary } from './otherRuntime';
import { waitFor } from './wait';

/**
 * How much of Node-RED's output a runtime keeps: enough for a whole test's log (the secrets test
 * reads all of it, and a stats line a second adds up), bounded all the same.
 */
export const keptOutputChars = 200_000;

/** A Node-RED major version and the Node.js it runs on. */
export interface NodeRedVersion {
  label: string;
  runtime(): Promise<{ node: string; redJs: string }>;
}

/** Node-RED 4 (the devDependency) on this Node.js, and Node-RED 5 on Node 22 (cached installs). */
export const nodeRedVersions: NodeRedVersion[] = [
  {
    label: 'Node-RED 4 on this Node.js',
    runtime: async () => ({ node: process.execPath, redJs: require.resolve('node-red/red.js') }),
  },
  {
    label: 'Node-RED 5 on Node 22',
    runtime: async () => {
      const node = await nodeBinary(22);
      const prefix = await cachedPackages('node-red-5', ['node-red@5']);
      return { node, redJs: join(prefix, 'node_modules', 'node-red', 'red.js') };
    },
  },
];

const repoRoot = join(__dirname, '..', '..', '..');
const packageName = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { name: string })
  .name;

export interface NodeRedRuntimeOptions {
  /** The Node.js binary to run Node-RED with. */
  node: string;
  /** The node-red package's red.js. */
  redJs: string;
  port: number;
  /** The package to install in the user dir: this checkout (default) or an installed tarball. */
  packageDir?: string;
}

/** A message Node-RED publishes on /comms: `debug`, `status/<node id>`, `notification/…`. */
export interface CommsMessage {
  topic: string;
  data: Record<string, unknown>;
}

export class NodeRedRuntime {
  readonly userDir: string;
  readonly url: string;
  readonly comms: CommsMessage[] = [];
  private child: ChildProcess | undefined;
  private socket: WebSocket | undefined;
  private output = '';

  constructor(private readonly options: NodeRedRuntimeOptions) {
    this.userDir = mkdtempSync(join(tmpdir(), 'camera-mosaic-node-red-'));
    this.url = `http://127.0.0.1:${options.port}`;
  }

  /** The process id of the running Node-RED. */
  get pid(): number {
    return this.child?.pid ?? 0;
  }

  /** Whether the Node-RED process is running (it was started and has not exited). */
  get alive(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Everything kept of what Node-RED printed (its last `keptOutputChars` characters). */
  get printed(): string {
    return this.output;
  }

  /** The last lines Node-RED printed, for failure messages. */
  get log(): string {
    return this.output.slice(-4000);
  }

  async start(): Promise<void> {
    mkdirSync(join(this.userDir, 'node_modules'), { recursive: true });
    const packageDir = this.options.packageDir ?? repoRoot;
    symlinkSync(packageDir, join(this.userDir, 'node_modules', packageName), 'dir');
    writeFileSync(
      join(this.userDir, 'package.json'),
      JSON.stringify({
        name: 'node-red-project',
        private: true,
        dependencies: { [packageName]: `file:${packageDir}` },
      }),
    );
    writeFileSync(
      join(this.userDir, 'settings.js'),
      `module.exports = ${JSON.stringify({
        uiHost: '127.0.0.1',
        uiPort: this.options.port,
        flowFile: 'flows.json',
        credentialSecret: 'camera-mosaic-test-secret',
        fileWorkingDirectory: this.userDir,
        logging: { console: { level: 'info', metrics: false, audit: false } },
        editorTheme: { tours: false, projects: { enabled: false } },
        diagnostics: { enabled: false },
        telemetry: { enabled: false },
        externalModules: { autoInstall: false, palette: { allowInstall: false } },
      })};\n`,
    );
    const child = spawn(
      this.options.node,
      [this.options.redJs, '-u', this.userDir, '-s', join(this.userDir, 'settings.js')],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, CAMERA_MOSAIC_LOG: 'warn', NODE_RED_ENABLE_TOURS: 'false' },
      },
    );
    this.child = child;
    const collect = (chunk: Buffer): void => {
      this.output = (this.output + chunk.toString('utf8')).slice(-keptOutputChars);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    await waitFor(
      'Node-RED to answer',
      async () => {
        if (child.exitCode !== null) throw new Error(`Node-RED exited (${child.exitCode}):\n${this.log}`);
        return (
          this.output.includes('Started flows') &&
          (await fetch(`${this.url}/settings`)
            .then((r) => r.ok)
            .catch(() => false))
        );
      },
      60000,
      200,
    );
    await this.openComms();
  }

  /** GET on the admin API, as JSON. */
  async get<T>(path: string): Promise<T> {
    const response = await fetch(`${this.url}${path}`, { headers: { Accept: 'application/json' } });
    if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }

  /** Deploys `flow` as the whole workspace (a full deploy, as the editor's Deploy button). */
  async deploy(flow: object[]): Promise<void> {
    const response = await fetch(`${this.url}/flows`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Node-RED-Deployment-Type': 'full' },
      body: JSON.stringify(flow),
    });
    if (response.status !== 204 && response.status !== 200) {
      throw new Error(`POST /flows: ${response.status} ${await response.text()}\n${this.log}`);
    }
  }

  /** Clicks an inject node's button. */
  async inject(id: string): Promise<void> {
    const response = await fetch(`${this.url}/inject/${id}`, { method: 'POST' });
    if (response.status !== 200)
      throw new Error(`POST /inject/${id}: ${response.status} ${await response.text()}`);
  }

  /** The debug messages of one debug node received so far, as the sidebar shows them. */
  debugOf(nodeId: string): string[] {
    return this.comms
      .filter((m) => m.topic === 'debug' && m.data['id'] === nodeId)
      .map((m) => String(m.data['msg']));
  }

  /** The last status text of a node. */
  statusOf(nodeId: string): string | undefined {
    const updates = this.comms.filter((m) => m.topic === `status/${nodeId}`);
    const last = updates[updates.length - 1];
    return last ? String(last.data['text'] ?? '') : undefined;
  }

  /** SIGINT, as Ctrl-C; resolves with the ms until the process exited (rejects after 15 s). */
  async stop(): Promise<number> {
    const child = this.child;
    this.socket?.close();
    if (!child || child.exitCode !== null || child.signalCode !== null) return 0;
    const started = Date.now();
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15000);
    await exited;
    clearTimeout(timer);
    return Date.now() - started;
  }

  /** Stops Node-RED if still running and removes the user dir. */
  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.userDir, { recursive: true, force: true });
  }

  private async openComms(): Promise<void> {
    const socket = new WebSocket(`ws://127.0.0.1:${this.options.port}/comms`);
    this.socket = socket;
    socket.on('message', (data: WebSocket.Data) => {
      const parsed = JSON.parse(String(data)) as CommsMessage | CommsMessage[];
      for (const message of Array.isArray(parsed) ? parsed : [parsed]) this.comms.push(message);
    });
    socket.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    socket.send(JSON.stringify({ subscribe: 'debug' }));
    socket.send(JSON.stringify({ subscribe: 'status/#' }));
  }
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** How many TCP sockets process `pid` has listening (from /proc: Linux only). */
export function listeningSockets(pid: number): number {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match) inodes.add(match[1]);
    } catch {
      // closed meanwhile
    }
  }
  let count = 0;
  for (const table of ['tcp', 'tcp6']) {
    for (const line of readFileSync(`/proc/${pid}/net/${table}`, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // st 0A = LISTEN; field 9 is the inode.
      if (fields[3] === '0A' && inodes.has(fields[9])) count++;
    }
  }
  return count;
}

/** Threads of process `pid` (from /proc). */
export function threadCount(pid: number): number {
  const match = /^Threads:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) : 0;
}

/**
 * In a describe(): before its tests, a started Node-RED of `version` and a free port for the
 * engine its flows will run; after them, Node-RED stopped and its user dir removed. The fields
 * are set once the `before` hook has run.
 */
export function startedNodeRed(version: NodeRedVersion): { red: NodeRedRuntime; enginePort: number } {
  const suite = { enginePort: 0 } as { red: NodeRedRuntime; enginePort: number };
  before(async () => {
    const { node, redJs } = await version.runtime();
    suite.red = new NodeRedRuntime({ node, redJs, port: await freePort() });
    suite.enginePort = await freePort();
    await suite.red.start();
  });
  after(async () => {
    await suite.red?.dispose();
  });
  return suite;
}
