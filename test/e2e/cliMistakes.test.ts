/**
 * Issue 17 item 9, as a user meets it: the CLI run with a mistyped option or a config with a
 * mistake stops at once (exit code 2) and says what to change; nothing reaches FFmpeg.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

const cli = join(__dirname, '..', '..', 'src', 'core', 'cli.js');
const directory = mkdtempSync(join(tmpdir(), 'mosaic-cli-mistakes-'));

after(() => rmSync(directory, { recursive: true, force: true }));

/** Runs the CLI to its end (10 s at most); its exit code and everything it printed. */
function run(args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    }),
  );
}

function configFile(name: string, text: string): string {
  const path = join(directory, name);
  writeFileSync(path, text);
  return path;
}

test('--conifg: "unknown option --conifg (did you mean --config?)" and the usage', async () => {
  const { code, output } = await run(['--conifg', 'mosaic.json']);
  assert.equal(code, 2);
  assert.match(output, /^camera-mosaic: unknown option --conifg \(did you mean --config\?\)\n/);
  assert.match(output, /usage: camera-mosaic \(--config FILE \| --demo\)/);
});

test('an option with nothing close is named, with the usage', async () => {
  const { code, output } = await run(['--verbose']);
  assert.equal(code, 2);
  assert.match(output, /^camera-mosaic: unknown option --verbose\n/);
  assert.match(output, /usage: camera-mosaic/);
});

const mistakes: [string, string, RegExp][] = [
  [
    'a JSON syntax error',
    '{\n  "cameras": [\n    {"name": "a", "url": "demo:testsrc2",}\n  ]\n}',
    /invalid JSON at line 3, column 42: Expected double-quoted property name/,
  ],
  [
    'a port above 65535',
    JSON.stringify({ cameras: [{ name: 'a', url: 'rtsp://cam:99999/live' }] }),
    /cameras\[0\]\.url: port 99999 must be from 1 to 65535/,
  ],
  [
    'rtsp:// with no host',
    JSON.stringify({ cameras: [{ name: 'a', url: 'rtsp://' }] }),
    /cameras\[0\]\.url: has no host \(rtsp:\/\/host\[:port\]\/path\)/,
  ],
  [
    'a mistyped key',
    JSON.stringify({ camras: [{ name: 'a', url: 'demo:testsrc2' }] }),
    /camras: unknown property; did you mean `cameras`\?/,
  ],
];

for (const [what, text, expected] of mistakes) {
  test(`${what} is refused with exit code 2 and says what to change`, async () => {
    const path = configFile(`${what.replace(/\W+/g, '-')}.json`, text);
    const { code, output } = await run(['--config', path, '--port', '0', '--host', '127.0.0.1']);
    assert.equal(code, 2, output);
    assert.match(output, /^camera-mosaic: invalid config:\n/);
    assert.match(output, expected);
  });
}
