/**
 * The font the native compositor draws tile labels with when the config names none. The package
 * carries its own copy (scripts/copyAssets.mjs puts DejaVu Sans Bold in `dist/fonts/`), so labels
 * look the same on a host without fonts-dejavu-core; a checkout that was never built falls back
 * to Debian's copy.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const fontFile = 'DejaVuSans-Bold.ttf';

/** Compiled to `dist/src/core/stitcher/`, so the bundled fonts are three folders up. */
const bundledFont = join(__dirname, '..', '..', '..', 'fonts', fontFile);
const systemFont = join('/usr/share/fonts/truetype/dejavu', fontFile);

/** Absolute path of the default label font, or `undefined` when neither copy exists. */
export function defaultFontPath(): string | undefined {
  return [bundledFont, systemFont].find((path) => existsSync(path));
}
