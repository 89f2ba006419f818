import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { defaultFontPath } from '../../src/core/stitcher/defaultFont';
import { colourMosaicConfig } from '../helpers/colourMosaic';
import { CliRunner } from './18-cli';

// Issue 18, item 10: a labels.font that is a FIFO hung start-up forever (in Node-RED the whole
// runtime); an unreadable or foreign file turned the labels off without a word.
const runner = new CliRunner();
after(() => runner.close());

const fifo = join(runner.path, 'font.fifo');
execFileSync('mkfifo', [fifo]);
const text = join(runner.path, 'notes.ttf');
writeFileSync(text, 'not a font at all\n');
const empty = join(runner.path, 'empty.ttf');
writeFileSync(empty, '');
const directory = join(runner.path, 'fonts');
mkdirSync(directory);
const unreadable = join(runner.path, 'unreadable.ttf');
const bundled = defaultFontPath();
if (!bundled) throw new Error('the bundled font is missing: run npm run build (it copies dist/fonts)');
copyFileSync(bundled, unreadable);
chmodSync(unreadable, 0o000);
// Root reads a file whatever its mode: as root, the CLI runs as nobody for the unreadable case.
const nobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : undefined;

/** Starts the CLI with `labels` and expects exit code 2 within 5 s, with `field: …reason`. */
async function refused(
  config: Record<string, unknown>,
  pattern: RegExp,
  as?: { uid: number; gid: number },
): Promise<void> {
  const run = runner.start(config, [], as);
  const startedAt = Date.now();
  const code = await Promise.race([
    run.exited,
    new Promise<string>((resolve) => setTimeout(() => resolve('still running after 5 s'), 5000)),
  ]);
  assert.equal(code, 2, run.output());
  assert.ok(Date.now() - startedAt < 5000);
  assert.match(run.output(), pattern);
}

const cases: [string, string, RegExp][] = [
  ['a FIFO', fifo, /labels\.font: ".*font\.fifo" is a FIFO, not a font file/],
  ['a text file', text, /labels\.font: ".*notes\.ttf" is not a TrueType or OpenType font/],
  ['an empty file', empty, /labels\.font: ".*empty\.ttf" is not a TrueType or OpenType font/],
  ['a directory', directory, /labels\.font: ".*fonts" is a directory, not a font file/],
  [
    'a missing file',
    join(runner.path, 'gone.ttf'),
    /labels\.font: ".*gone\.ttf" cannot be opened \(ENOENT\)/,
  ],
];
for (const [what, font, pattern] of cases) {
  test(`labels.font naming ${what} fails start-up at once with a ConfigError`, async () => {
    await refused(colourMosaicConfig(320, 180, { labels: { names: true, font } }), pattern);
  });
}

test('an unreadable font file is a ConfigError', async () => {
  const config = colourMosaicConfig(320, 180, { labels: { names: true, font: unreadable } });
  await refused(config, /labels\.font: ".*unreadable\.ttf" cannot be read \(EACCES\)/, nobody);
});

test('in a mosaic of `mosaics`, the field is mosaics[i].labels.font', async () => {
  const { cameras, output, layout } = colourMosaicConfig(320, 180);
  const config = {
    cameras,
    mosaics: [
      { name: 'a', output, layout },
      { name: 'b', output, layout, labels: { names: true, font: fifo } },
    ],
  };
  await refused(config, /mosaics\[1\]\.labels\.font: ".*font\.fifo" is a FIFO/);
});

test('the bundled font passes, as labels.font too', async () => {
  const run = runner.start(colourMosaicConfig(320, 180, { labels: { names: true, font: bundled } }));
  assert.match(await run.url(), /^http:/);
  run.child.kill('SIGTERM');
  assert.equal(await run.exited, 0);
});
