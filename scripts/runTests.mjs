// Runs every compiled test file with node's own test runner, one file at a time: the tests
// start real RTSP cameras and encoders, and two cores cannot run several such files at once
// without turning timing margins into flakes. Node 20 takes no glob in --test, hence the walk.
// A plain run leaves out test/platforms/ (Debian roots under emulation, root only, minutes:
// `npm run test:platforms`); arguments pick the files whose path contains one of them.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('../dist/test/', import.meta.url).pathname;
const only = process.argv.slice(2);

function findTests(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return findTests(path);
    return name.endsWith('.test.js') ? [path] : [];
  });
}

// Each run on its own: platforms/ (npm run test:platforms), sanitizers/ (npm run test:sanitizers,
// which needs the sanitizer builds of the addon).
const separately = ['platforms/', 'sanitizers/'];
// Last, in a run of their own (node sorts the files of one run): the packaging test needs every
// platform's prebuilt, which setup.sh --test may still be building in the background on a fresh
// machine (scripts/prebuilt/build-in-background.sh).
const last = ['package/'];
const isLast = (f) => last.some((l) => f.slice(root.length).startsWith(l));
const files = findTests(root)
  .filter((f) =>
    only.length === 0
      ? !separately.some((s) => f.slice(root.length).startsWith(s))
      : only.some((o) => f.includes(o)),
  )
  .sort();
const runs = [files.filter((f) => !isLast(f)), files.filter(isLast)].filter((run) => run.length > 0);
let failed = false;
const outcomes = [];
for (const run of runs) {
  const result = spawnSync(
    process.execPath,
    ['--test', '--test-concurrency=1', '--test-reporter=spec', ...run],
    // Tests assert on behaviour, not log lines: keep the stitchers' info lines out of the report.
    // They run on the local build of this checkout's C++ (a prebuilt may be older); the packaging
    // test installs and loads the prebuilt itself.
    { stdio: 'inherit', env: { CAMERA_MOSAIC_LOG: 'warn', CAMERA_MOSAIC_NATIVE: 'local', ...process.env } },
  );
  failed ||= result.status !== 0;
  outcomes.push(
    `${run.length} test file${run.length === 1 ? '' : 's'}: ${result.status === 0 ? 'passed' : 'FAILED (its list of failing tests is above)'}`,
  );
}
// Two runs print two summaries: say at the end how each went.
if (runs.length > 1) console.log(`runTests: ${outcomes.join('; then ')}`);
process.exit(failed ? 1 : 0);
