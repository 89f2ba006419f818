// tsc compiles src/**/*.ts into dist/src; the files beside them that are not TypeScript (the
// player page, Node-RED editor HTML, locales, icons) are copied to the same place here.
import { copyFileSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const source = join(root, 'src');
const target = join(root, 'dist', 'src');

function copyAssets(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      copyAssets(path);
    } else if (!name.endsWith('.ts') && name !== 'README.md') {
      const destination = join(target, relative(source, path));
      mkdirSync(dirname(destination), { recursive: true });
      copyFileSync(path, destination);
    }
  }
}

copyAssets(source);
