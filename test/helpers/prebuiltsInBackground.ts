import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repoRoot = join(__dirname, '..', '..', '..');

/** Where scripts/prebuilt/build-in-background.sh leaves its lock, log and outcome. */
function backgroundFiles() {
  const cache = process.env.CAMERA_MOSAIC_PREBUILT_CACHE ?? '/var/cache/camera-mosaic/prebuilt';
  return {
    lock: join(cache, 'background.lock'),
    log: join(cache, 'background.log'),
    status: join(cache, 'background.status'),
  };
}

/**
 * Waits for a background build of prebuilt addons (scripts/setup.sh --test starts the arm ones
 * so) to end, then fails, with the end of its log, if it failed and left a target unbuilt. With
 * no background build on record it returns at once: the caller's own check of the prebuilds then
 * says how to make them.
 */
export async function awaitPrebuiltsBuiltInBackground(timeoutMs: number): Promise<void> {
  const { lock, log, status } = backgroundFiles();
  if (!existsSync(lock)) return;
  try {
    // Shared: it waits while the build holds the lock, and never blocks the build.
    await run('flock', ['--shared', '--wait', String(Math.ceil(timeoutMs / 1000)), lock, 'true'], {
      timeout: timeoutMs + 5000,
    });
  } catch {
    throw new Error(
      `the background build of the prebuilt addons (scripts/prebuilt/build-in-background.sh) was ` +
        `still running after ${Math.round(timeoutMs / 1000)} s; log: ${log}\n${tail(log)}`,
    );
  }
  const outcome = existsSync(status) ? readFileSync(status, 'utf8').trim() : 'ok';
  if (outcome === 'ok') return;
  // `failed <target>`, or `running <targets>` from a build that never finished: it counts until
  // those prebuilts have been built again since (by hand, say).
  const [state, ...targets] = outcome.split(/\s+/);
  const endedAt = statSync(status).mtimeMs;
  const stale = targets.filter((target) => {
    const addon = join(repoRoot, 'prebuilds', target, 'camera_mosaic.node');
    return !existsSync(addon) || statSync(addon).mtimeMs < endedAt;
  });
  if (stale.length === 0) return;
  const why = state === 'running' ? 'ended without finishing (killed, or past its hour)' : 'failed';
  throw new Error(
    `the background build of the prebuilt addons ${why}, and left ${stale.join(', ')} unbuilt; ` +
      `log: ${log}\n${tail(log)}`,
  );
}

function tail(path: string): string {
  if (!existsSync(path)) return '(no log)';
  return readFileSync(path, 'utf8').split('\n').slice(-30).join('\n');
}
