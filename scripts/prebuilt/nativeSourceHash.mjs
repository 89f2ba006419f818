// The sha256 of the native sources a prebuilt is built from: native/CMakeLists.txt and every file
// under native/src. build-linux.sh records it in each prebuilds/<target>/BUILDINFO.txt, and
// checkPrebuilds.mjs (npm's prepack) refuses to pack a prebuilt whose record differs from today's.
// Run as a script it prints the hex digest; `nativeSourceHash(root)` returns it.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

/** Hex sha256 over the sorted relative paths and contents of the native sources under `root`. */
export function nativeSourceHash(root = repoRoot) {
  const files = [join(root, 'native', 'CMakeLists.txt'), ...filesUnder(join(root, 'native', 'src'))];
  const named = files
    .map((path) => ({ path, name: relative(root, path).split(sep).join('/') }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const hash = createHash('sha256');
  for (const { path, name } of named) {
    const content = readFileSync(path);
    // Name and length before the bytes, so no two different trees can hash the same stream.
    hash.update(`${name}\0${content.length}\0`);
    hash.update(content);
  }
  return hash.digest('hex');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(nativeSourceHash());
}
