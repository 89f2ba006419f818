// tsc compiles src/**/*.ts into dist/src; the files beside them that are not TypeScript (the
// player page, Node-RED editor HTML, locales, icons) are copied to the same place here. The tile
// labels' default font and its licence go to dist/fonts (src/core/stitcher/defaultFont.ts), so the
// packed package draws labels on hosts without fonts-dejavu-core.
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
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

const fonts = join(root, 'dist', 'fonts');
const fontFiles = [
  ['/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf', 'DejaVuSans-Bold.ttf'],
  ['/usr/share/doc/fonts-dejavu-core/copyright', 'DejaVu-copyright.txt'],
];
for (const [from, name] of fontFiles) {
  if (existsSync(from)) {
    mkdirSync(fonts, { recursive: true });
    copyFileSync(from, join(fonts, name));
  }
}
