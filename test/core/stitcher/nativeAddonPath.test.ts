import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';

// CAMERA_MOSAIC_NATIVE naming a .node file loads that build of the C++ (the sanitizer builds of
// `npm run test:sanitizers`), and a path that holds nothing is an error naming it, not a
// silent fall back to another build.
const loader = resolve(__dirname, '../../../src/core/stitcher/nativeBinding.js');
const localBuild = resolve(__dirname, '../../../../native/build/Release/camera_mosaic.node');
const directory = mkdtempSync(join(tmpdir(), 'mosaic-addon-path-'));

after(() => rmSync(directory, { recursive: true, force: true }));

/** What a fresh process's loader reports with CAMERA_MOSAIC_NATIVE set to `pinned`. */
function loadIn(pinned: string): { path?: string; kind?: string; error?: string } {
  const script =
    `const b = require(${JSON.stringify(loader)});` +
    'try { const i = b.nativeAddonInfo(); console.log(JSON.stringify({ path: i.path, kind: i.kind })); }' +
    ' catch (e) { console.log(JSON.stringify({ error: e.name + ": " + e.message })); }';
  const output = execFileSync(process.execPath, ['-e', script], {
    env: { ...process.env, CAMERA_MOSAIC_NATIVE: pinned },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return JSON.parse(output) as { path?: string; kind?: string; error?: string };
}

test('a path to a .node file loads that file as a local build', () => {
  const copy = join(directory, 'camera_mosaic.node');
  copyFileSync(localBuild, copy);
  assert.deepEqual(loadIn(copy), { path: copy, kind: 'local' });
});

test('a path to a missing .node file is a NativeLoadError naming the path', () => {
  const missing = join(directory, 'build-tsan', 'camera_mosaic.node');
  const { error } = loadIn(missing);
  assert.match(error ?? '', /^NativeLoadError: /);
  assert.ok(error?.includes(missing), error);
  assert.match(error ?? '', /no such file \(named by CAMERA_MOSAIC_NATIVE\)/);
});
