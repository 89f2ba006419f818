import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { freePort } from '../fixtures/rtspCamera';
import { waitFor } from './wait';

/** The repository root (dist/test/helpers → ../../..). */
export const repoRoot = resolve(__dirname, '..', '..', '..');

export const bridgePin = '031-45-154';

export interface HomebridgeOptions {
  /** The platform block (`platform: 'CameraMosaic'` is added). */
  platform: Record<string, unknown>;
  /** Run the platform as a child bridge on its own port (Homebridge's advice for cameras). */
  childBridge?: boolean;
  /** Reuse a storage dir (accessory cache, pairings) from an earlier run. */
  storageDir?: string;
  /** Default: this Node. */
  nodeBinary?: string;
  /** Default: the devDependency's bin/homebridge. */
  homebridgeBin?: string;
  /** The plugin package to load; default this checkout (see pluginPath()). */
  pluginDir?: string;
}

/**
 * A real Homebridge process with a config.json we write: the bridge on a free port with a known
 * PIN, our plugin loaded with `-P`, the accessory cache in a temporary `-U` dir. `port` and
 * `username` are where a HomeKit controller pairs: the child bridge's when there is one.
 */
export class HomebridgeProcess {
  private output = '';
  private exited: Promise<number | null>;

  private constructor(
    private readonly child: ChildProcess,
    readonly storageDir: string,
    readonly port: number,
    readonly username: string,
  ) {
    const collect = (chunk: Buffer) => {
      this.output += chunk.toString('utf8');
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    this.exited = new Promise((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  }

  static async start(options: HomebridgeOptions): Promise<HomebridgeProcess> {
    const storageDir = options.storageDir ?? mkdtempSync(join(tmpdir(), 'mosaic-homebridge-'));
    const bridgePort = await freePort();
    const childPort = await freePort();
    const bridgeUsername = '0E:3C:11:22:33:01';
    const childUsername = '0E:3C:11:22:33:02';
    const platform: Record<string, unknown> = { platform: 'CameraMosaic', ...options.platform };
    if (options.childBridge) platform._bridge = { username: childUsername, port: childPort };
    const config = {
      bridge: { name: 'Mosaic Test Bridge', username: bridgeUsername, port: bridgePort, pin: bridgePin },
      accessories: [],
      platforms: [platform],
    };
    writeFileSync(join(storageDir, 'config.json'), JSON.stringify(config, null, 2));
    const args = [
      options.homebridgeBin ?? require.resolve('homebridge/bin/homebridge'),
      '-U',
      storageDir,
      '-P',
      options.pluginDir ?? pluginPath(),
      '--strict-plugin-resolution',
      '-D',
      '-Q',
      '-T',
    ];
    const child = spawn(options.nodeBinary ?? process.execPath, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    child.once('exit', () => running.delete(child));
    return options.childBridge
      ? new HomebridgeProcess(child, storageDir, childPort, childUsername)
      : new HomebridgeProcess(child, storageDir, bridgePort, bridgeUsername);
  }

  get log(): string {
    return this.output;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves with the first line matching `pattern` (in the whole log so far). */
  async waitForLog(pattern: RegExp, timeoutMs: number): Promise<string> {
    return waitFor(
      `Homebridge log line ${pattern} (log tail:\n${this.tail()})`,
      () => {
        if (!this.alive) throw new Error(`Homebridge exited; log tail:\n${this.tail()}`);
        return this.output.split('\n').find((line) => pattern.test(line)) ?? false;
      },
      timeoutMs,
      100,
    );
  }

  tail(chars = 4000): string {
    return this.output.slice(-chars);
  }

  /** SIGTERM and wait for the exit (Homebridge takes ~6 s); SIGKILL after 20 s. */
  async stop(): Promise<number | null> {
    if (this.alive) this.child.kill('SIGTERM');
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
    try {
      return await this.exited;
    } finally {
      clearTimeout(killer);
    }
  }

  /** Stops and removes the storage dir. */
  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.storageDir, { recursive: true, force: true });
  }
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
  if (shimDir) rmSync(dirname(shimDir), { recursive: true, force: true });
});

let shimDir: string | undefined;

/**
 * What `-P` points at: the repository itself when its package main exports the Homebridge
 * initializer (what a user installs), otherwise a one-file package named like ours that
 * re-exports src/homebridge, so these tests do not depend on src/index.ts's wiring (checked by
 * a test of its own).
 */
export function pluginPath(): string {
  if (packageMainExportsInitializer()) return repoRoot;
  if (shimDir) return shimDir;
  const root = mkdtempSync(join(tmpdir(), 'mosaic-plugin-'));
  const dir = join(root, 'homebridge-camera-mosaic');
  mkdirSync(dir);
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  const shim = {
    name: manifest.name,
    version: manifest.version,
    keywords: manifest.keywords,
    engines: manifest.engines,
    main: 'index.js',
  };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(shim, null, 2));
  const target = JSON.stringify(join(repoRoot, 'dist', 'src', 'homebridge', 'index.js'));
  writeFileSync(join(dir, 'index.js'), `module.exports = require(${target});\n`);
  shimDir = dir;
  return dir;
}

/** Whether Homebridge would find a function at the package's main, directly or as `default`. */
export function packageMainExportsInitializer(): boolean {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { main: string };
  // The main's path is read from package.json at run time, hence a require made for it.
  const main = createRequire(__filename)(join(repoRoot, manifest.main)) as unknown;
  if (typeof main === 'function') return true;
  return (
    typeof main === 'object' && main !== null && typeof (main as { default?: unknown }).default === 'function'
  );
}
