/**
 * What every platform test does in its Debian root: Node.js (and npm) from the npm registry's
 * node-linux-<arch> packages, this checkout's `npm pack` tarball installed as a user installs it,
 * the installed CLI on a two-camera demo mosaic of known colours, and its snapshot checked from
 * the host. Registry tarballs are cached beside the roots; each run resolves the version first.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { assertTileColour, decodeJpeg, type RgbFrame } from '../fixtures/pixels';
import { awaitPrebuiltsBuiltInBackground } from '../helpers/prebuiltsInBackground';
import { waitFor } from '../helpers/wait';
import type { DebianRoot } from './debianRoot';

const run = promisify(execFile);
export const repoRoot = join(__dirname, '..', '..', '..');
const cacheRoot = process.env.CAMERA_MOSAIC_PLATFORM_CACHE ?? '/var/cache/camera-mosaic';
const REGISTRY_TIMEOUT_MS = 5 * 60_000;

/** Where a user's app lives in a root, and our package in it. */
export const APP = '/opt/app';
export const INSTALLED = `${APP}/node_modules/homebridge-camera-mosaic`;
/** The mosaic: two tiles side by side, red left and blue right, tiny because x264 runs emulated. */
export const MOSAIC = { width: 320, height: 180, fps: 10 } as const;
export const TILE_COLOURS = { left: 'ff0000', right: '0000ff' } as const;

export function mosaicConfig(): object {
  const size = `${MOSAIC.width / 2}x${MOSAIC.height}`;
  return {
    cameras: [
      { name: 'left', url: `demo:color?c=red&size=${size}&rate=${MOSAIC.fps}` },
      { name: 'right', url: `demo:color?c=blue&size=${size}&rate=${MOSAIC.fps}` },
    ],
    output: { ...MOSAIC, bitrate: 200_000, gop: 2 * MOSAIC.fps },
    // Each camera is half the canvas's shape: explicit halves, which its pictures fill exactly.
    layout: {
      tiles: [
        { camera: 'left', x: 0, y: 0, width: MOSAIC.width / 2, height: MOSAIC.height },
        { camera: 'right', x: MOSAIC.width / 2, y: 0, width: MOSAIC.width / 2, height: MOSAIC.height },
      ],
    },
  };
}

/** Asserts each tile of a decoded mosaic frame shows its camera's colour. */
export function assertTileColours(frame: RgbFrame): void {
  assert.equal(`${frame.width}x${frame.height}`, `${MOSAIC.width}x${MOSAIC.height}`);
  const half = MOSAIC.width / 2;
  assertTileColour(frame, { x: 0, y: 0, width: half, height: MOSAIC.height }, TILE_COLOURS.left, 40, 'left');
  assertTileColour(
    frame,
    { x: half, y: 0, width: half, height: MOSAIC.height },
    TILE_COLOURS.right,
    40,
    'right',
  );
}

/** This checkout packed as a release is: plain `npm pack` (its prepack checks included). */
export async function packThisCheckout(): Promise<{ tarball: string; files: string[]; dispose(): void }> {
  await awaitPrebuiltsBuiltInBackground(40 * 60_000);
  const directory = mkdtempSync(join(tmpdir(), 'camera-mosaic-pack-'));
  try {
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', directory], {
      cwd: repoRoot,
      timeout: REGISTRY_TIMEOUT_MS,
      maxBuffer: 64 * 1024 * 1024,
    });
    const [packed] = JSON.parse(stdout.slice(stdout.indexOf('['))) as {
      filename: string;
      files: { path: string }[];
    }[];
    return {
      tarball: join(directory, packed.filename),
      files: packed.files.map((f) => f.path),
      dispose: () => rmSync(directory, { recursive: true, force: true }),
    };
  } catch (error) {
    rmSync(directory, { recursive: true, force: true });
    const e = error as Error & { stderr?: string };
    throw new Error(`npm pack in this checkout failed: ${(e.stderr ?? '').trim() || e.message}`);
  }
}

/** Fails, saying how to make it, when the tarball has no prebuilt addon for `platform`. */
export function assertShipsPrebuilt(files: readonly string[], platform: string): void {
  const addon = `prebuilds/${platform}/camera_mosaic.node`;
  if (!files.includes(addon)) {
    throw new Error(
      `the packed tarball has no ${addon}: build it with \`npm run build:prebuilt\` (it makes every ` +
        `platform's prebuilt) before running the platform tests`,
    );
  }
}

/** The newest version of an npm package, or the newest matching `range`. */
export async function registryVersion(name: string, range = '*'): Promise<string> {
  const { stdout } = await run('npm', ['view', `${name}@${range}`, 'version', '--json'], {
    timeout: REGISTRY_TIMEOUT_MS,
  });
  const parsed = JSON.parse(stdout) as string | string[];
  const versions = Array.isArray(parsed) ? parsed : [parsed];
  return versions.sort(compareVersions).at(-1) ?? '';
}

function compareVersions(a: string, b: string): number {
  const [x, y] = [a, b].map((v) => v.split(/[.-]/).map((n) => Number(n) || 0));
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  }
  return 0;
}

/** An npm package's tarball at an exact version, from the cache or the registry. */
export async function cachedTarball(name: string, version: string): Promise<string> {
  const directory = join(cacheRoot, 'npm-tarballs');
  const file = join(directory, `${name}-${version}.tgz`);
  if (existsSync(file)) return file;
  mkdirSync(directory, { recursive: true });
  const partial = mkdtempSync(join(directory, '.partial-'));
  try {
    const { stdout } = await run(
      'npm',
      ['pack', `${name}@${version}`, '--json', '--pack-destination', partial],
      {
        timeout: REGISTRY_TIMEOUT_MS,
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    const [packed] = JSON.parse(stdout.slice(stdout.indexOf('['))) as { filename: string }[];
    copyFileSync(join(partial, packed.filename), `${file}.tmp`);
    await run('mv', [`${file}.tmp`, file]);
    return file;
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
}

/**
 * Node.js `nodeVersion` for the root's architecture at /opt/node, and an npm that runs on it at
 * /opt/npm with `npm` and `npx` on the PATH (the node-linux-* packages carry node alone).
 */
export async function installNode(root: DebianRoot, nodePackage: string, nodeVersion: string): Promise<void> {
  // npm 11 wants Node ^20.17 or >=22.9; npm 10 still runs on older 20s.
  const [major, minor] = nodeVersion.split('.').map(Number);
  const npmRange = major > 22 || (major === 22 && minor >= 9) || (major === 20 && minor >= 17) ? '11' : '10';
  const npmVersion = await registryVersion('npm', npmRange);
  await root.extractPackage(await cachedTarball(nodePackage, nodeVersion), '/opt/node');
  await root.extractPackage(await cachedTarball('npm', npmVersion), '/opt/npm');
  for (const tool of ['npm', 'npx']) {
    root.writeFile(
      `/usr/local/bin/${tool}`,
      `#!/bin/sh\nexec /opt/node/bin/node /opt/npm/bin/${tool}-cli.js "$@"\n`,
      0o755,
    );
  }
  // npm's cache outlives the run (JS packages only, shared by every architecture).
  const npmCache = join(cacheRoot, 'npm-cache');
  mkdirSync(npmCache, { recursive: true });
  await root.bind(npmCache, '/root/.npm', true);
}

/** `npm install --ignore-scripts <tarball>` into an empty app folder, as a user installs it. */
export async function installPackage(root: DebianRoot, tarball: string): Promise<string> {
  root.writeFile(`${APP}/package.json`, JSON.stringify({ name: 'user-app', private: true }));
  copyFileSync(tarball, root.hostPathOf(`${APP}/${basename(tarball)}`));
  return root.exec(
    'npm',
    ['install', '--ignore-scripts', '--no-audit', '--no-fund', `./${basename(tarball)}`],
    { cwd: APP, timeoutMs: 15 * 60_000 },
  );
}

/** The installed CLI serving the demo mosaic inside the root on `port`. */
export class RootMosaic {
  private output = '';
  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static async start(root: DebianRoot, port: number, env: Record<string, string> = {}): Promise<RootMosaic> {
    root.writeFile(`${APP}/mosaic.json`, JSON.stringify(mosaicConfig(), null, 2));
    const child = root.spawn(
      `${APP}/node_modules/.bin/camera-mosaic`,
      ['--config', `${APP}/mosaic.json`, '--port', String(port), '--host', '127.0.0.1'],
      { cwd: APP, env: { CAMERA_MOSAIC_LOG: 'info', ...env } },
    );
    const mosaic = new RootMosaic(child, `http://127.0.0.1:${port}`);
    const collect = (chunk: Buffer): void => {
      mosaic.output = (mosaic.output + chunk.toString()).slice(-20_000);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    // Emulated, Node and the addon take tens of seconds to start.
    await waitFor(
      'the CLI to serve the mosaic',
      () => {
        if (child.exitCode !== null) throw new Error(`the CLI exited (${child.exitCode}):\n${mosaic.log}`);
        return /serving the mosaic at/.test(mosaic.output);
      },
      180_000,
      250,
    );
    return mosaic;
  }

  get log(): string {
    return this.output.slice(-4000);
  }

  /** The first snapshot that decodes, once each tile shows its camera (the first frames may be black). */
  async snapshot(): Promise<RgbFrame> {
    let last: Error | undefined;
    try {
      return await waitFor(
        'a snapshot with both tiles in colour',
        async () => {
          const response = await fetch(`${this.url}/snapshot.jpg`).catch(() => undefined);
          if (response?.status !== 200) return undefined;
          const frame = await decodeJpeg(Buffer.from(await response.arrayBuffer()), { timeoutMs: 30_000 });
          try {
            assertTileColours(frame);
            return frame;
          } catch (error) {
            last = error as Error;
            return undefined;
          }
        },
        120_000,
        1000,
      );
    } catch (error) {
      throw new Error(`${(last ?? (error as Error)).message}\nCLI log:\n${this.log}`);
    }
  }

  /** SIGTERM, as a service manager stops it; resolves with the exit code. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    const exited = new Promise<number | null>((resolve) => this.child.once('exit', (code) => resolve(code)));
    this.child.kill('SIGTERM');
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 30_000);
    try {
      return await exited;
    } finally {
      clearTimeout(killer);
    }
  }
}

/** How long each setup step took, for a test's diagnostics (the report's timings). */
export class SetupTimes {
  private readonly steps: string[] = [];
  private readonly notes: string[] = [];
  private last = Date.now();

  mark(step: string): void {
    const now = Date.now();
    this.steps.push(`${step} ${Math.round((now - this.last) / 1000)} s`);
    this.last = now;
  }

  /** Adds what a step printed worth a reader's eye (npm's warnings, e.g. an engines mismatch). */
  note(lines: readonly string[]): void {
    this.notes.push(...lines);
  }

  toString(): string {
    return [this.steps.join(', '), ...this.notes].join('\n');
  }
}
