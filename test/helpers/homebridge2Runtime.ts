import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { nodeBinary } from './otherRuntime';

const run = promisify(execFile);

/** Same cache as otherRuntime.ts. */
const cacheRoot = process.env.CAMERA_MOSAIC_TEST_CACHE ?? join(homedir(), '.cache', 'camera-mosaic-tests');

export interface Homebridge2Runtime {
  nodeBinary: string;
  homebridgeBin: string;
  version: string;
}

/**
 * Homebridge 2.4.0 on Node 22, installed once into the test cache. homebridge@2.4.0 pins
 * @homebridge/hap-nodejs@2.2.2, which the registry here lacks; an npm `overrides` in the cache
 * folder's package.json, written before the install, takes 2.2.3 (same API, a patch release).
 */
export async function homebridge2Runtime(timeoutMs = 300_000): Promise<Homebridge2Runtime> {
  const prefix = join(cacheRoot, 'homebridge-2');
  const marker = join(prefix, 'node_modules', '.camera-mosaic-complete');
  if (!existsSync(marker)) {
    mkdirSync(prefix, { recursive: true });
    const manifest = {
      name: 'camera-mosaic-homebridge-2-cache',
      private: true,
      overrides: { '@homebridge/hap-nodejs': '2.2.3' },
    };
    writeFileSync(join(prefix, 'package.json'), JSON.stringify(manifest, null, 2));
    await run(
      'npm',
      ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', prefix, 'homebridge@2.4.0'],
      {
        timeout: timeoutMs,
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    writeFileSync(marker, '');
  }
  const packageDir = join(prefix, 'node_modules', 'homebridge');
  const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
    version: string;
    bin: string | Record<string, string>;
  };
  const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin.homebridge;
  return { nodeBinary: await nodeBinary(22), homebridgeBin: join(packageDir, bin), version: pkg.version };
}
