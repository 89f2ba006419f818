import { type ChildProcess, spawn } from 'node:child_process';
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../fixtures/rtspCamera';
import { repoRoot } from './homebridgeRunner';
import { waitFor } from './wait';

/**
 * The Homebridge UI (homebridge-config-ui-x, the devDependency) as a user runs it, beside a real
 * Homebridge that reads the config.json the UI writes. Both find exactly two plugins in a folder
 * of their own: this checkout and the UI itself (Homebridge loads the UI's `config` platform, as
 * in every real install). The UI listens on 127.0.0.1 with authentication off (`auth: none`,
 * which still needs an admin in auth.json); its look-ups of plugin updates on the npm registry go
 * to a closed port on 127.0.0.1 instead, so the test talks to nothing else.
 */
export class HomebridgeUi {
  readonly url: string;
  private uiOutput = '';
  private readonly exited: Promise<void>;

  private constructor(
    private readonly ui: ChildProcess,
    readonly storageDir: string,
    private readonly pluginsDir: string,
    readonly bridgePort: number,
    readonly bridgeUsername: string,
    uiPort: number,
  ) {
    this.url = `http://127.0.0.1:${uiPort}`;
    const collect = (chunk: Buffer) => {
      this.uiOutput += chunk.toString('utf8');
    };
    ui.stdout?.on('data', collect);
    ui.stderr?.on('data', collect);
    this.exited = new Promise((resolve) => ui.once('exit', () => resolve()));
  }

  static async start(): Promise<HomebridgeUi> {
    const root = mkdtempSync(join(tmpdir(), 'mosaic-homebridge-ui-'));
    const storageDir = join(root, 'storage');
    const pluginsDir = join(root, 'plugins');
    mkdirSync(storageDir);
    mkdirSync(pluginsDir);
    symlinkSync(repoRoot, join(pluginsDir, 'homebridge-camera-mosaic'));
    const uiPackage = join(repoRoot, 'node_modules', 'homebridge-config-ui-x');
    symlinkSync(uiPackage, join(pluginsDir, 'homebridge-config-ui-x'));
    const [uiPort, bridgePort, closedPort] = await Promise.all([freePort(), freePort(), freePort()]);
    const username = '0E:3C:11:22:33:21';
    // The UI reads its own port from config.json when it starts.
    writeConfig(storageDir, uiPort, bridgePort, username, undefined);
    writeAdmin(join(storageDir, 'auth.json'));
    const ui = new HomebridgeUi(
      spawnUi(uiPackage, storageDir, pluginsDir, closedPort),
      storageDir,
      pluginsDir,
      bridgePort,
      username,
      uiPort,
    );
    await waitFor(
      `the Homebridge UI listening (output:\n${ui.uiOutput.slice(-2000)})`,
      () => {
        if (ui.ui.exitCode !== null) throw new Error(`the Homebridge UI exited:\n${ui.uiOutput}`);
        return /is listening on 127\.0\.0\.1 port/.test(ui.uiOutput);
      },
      60_000,
    );
    return ui;
  }

  /** The plugin's block in config.json, as the UI saved it. */
  platform(): Record<string, unknown> | undefined {
    const config = JSON.parse(readFileSync(this.configPath, 'utf8')) as {
      platforms: Record<string, unknown>[];
    };
    return config.platforms.find((block) => block['platform'] === 'CameraMosaic');
  }

  /** Writes config.json with the UI's block and, when given, the plugin's (`undefined`: none). */
  writePlatform(block: Record<string, unknown> | undefined): void {
    writeConfig(this.storageDir, Number(new URL(this.url).port), this.bridgePort, this.bridgeUsername, block);
  }

  /** Homebridge on the config.json the UI writes; stop it to restart it. */
  startHomebridge(): HomebridgeChild {
    const bin = require.resolve('homebridge/bin/homebridge');
    const args = [
      bin,
      '-U',
      this.storageDir,
      '-P',
      this.pluginsDir,
      '--strict-plugin-resolution',
      '-D',
      '-Q',
      '-T',
    ];
    return new HomebridgeChild(spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] }));
  }

  get output(): string {
    return this.uiOutput;
  }

  async dispose(): Promise<void> {
    if (this.ui.exitCode === null && this.ui.signalCode === null) this.ui.kill('SIGTERM');
    const killer = setTimeout(() => this.ui.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(killer);
    rmSync(join(this.storageDir, '..'), { recursive: true, force: true });
  }

  private get configPath(): string {
    return join(this.storageDir, 'config.json');
  }
}

/** The UI server on its own, as `hb-service` would start it. */
function spawnUi(
  uiPackage: string,
  storageDir: string,
  pluginsDir: string,
  closedPort: number,
): ChildProcess {
  const registryProxy = `http://127.0.0.1:${closedPort}`;
  const child = spawn(process.execPath, [join(uiPackage, 'dist', 'main.js')], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      UIX_CONFIG_PATH: join(storageDir, 'config.json'),
      UIX_STORAGE_PATH: storageDir,
      UIX_CUSTOM_PLUGIN_PATH: pluginsDir,
      UIX_STRICT_PLUGIN_RESOLUTION: '1',
      HTTP_PROXY: registryProxy,
      HTTPS_PROXY: registryProxy,
      NO_PROXY: '127.0.0.1,localhost',
    },
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

function writeConfig(
  storageDir: string,
  uiPort: number,
  bridgePort: number,
  username: string,
  block: Record<string, unknown> | undefined,
): void {
  const config = {
    // HAP on loopback only, like the UI (`bind` takes addresses as well as interface names).
    bridge: { name: 'Mosaic UI Bridge', username, port: bridgePort, pin: '031-45-154', bind: ['127.0.0.1'] },
    accessories: [],
    platforms: [
      { platform: 'config', name: 'Config', port: uiPort, host: '127.0.0.1', auth: 'none' },
      ...(block === undefined ? [] : [{ platform: 'CameraMosaic', ...block }]),
    ],
  };
  writeFileSync(join(storageDir, 'config.json'), JSON.stringify(config, null, 2));
}

/** auth.json with one admin: the UI's "no authentication" mode signs its token for that user. */
function writeAdmin(path: string): void {
  const salt = randomBytes(32).toString('hex');
  // The UI's own hashing (pbkdf2, sha512, 1000 rounds); the password is never used.
  const hashedPassword = pbkdf2Sync(randomBytes(16).toString('hex'), salt, 1000, 64, 'sha512').toString(
    'hex',
  );
  writeFileSync(
    path,
    JSON.stringify([{ id: 1, username: 'admin', name: 'Admin', hashedPassword, salt, admin: true }]),
  );
}

/** One Homebridge run: its log, a wait for a line, a stop. */
export class HomebridgeChild {
  private output = '';
  private readonly exited: Promise<void>;

  constructor(private readonly child: ChildProcess) {
    running.add(child);
    const collect = (chunk: Buffer) => {
      this.output += chunk.toString('utf8');
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    this.exited = new Promise((resolve) =>
      child.once('exit', () => {
        running.delete(child);
        resolve();
      }),
    );
  }

  get log(): string {
    return this.output;
  }

  async waitForLog(pattern: RegExp, timeoutMs: number): Promise<void> {
    try {
      await waitFor(
        `Homebridge log line ${pattern}`,
        () => {
          if (this.child.exitCode !== null) throw new Error('Homebridge exited');
          return pattern.test(this.output);
        },
        timeoutMs,
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}; log tail:\n${this.output.slice(-3000)}`);
    }
  }

  /** SIGTERM, SIGKILL after 20 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
    await this.exited;
    clearTimeout(killer);
  }
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});
