import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { waitFor } from '../helpers/wait';
import { WhepClient } from '../helpers/whepClient';
import { colourMosaicConfig } from '../helpers/colourMosaic';

const cli = join(__dirname, '..', '..', 'src', 'core', 'cli.js');
const directory = mkdtempSync(join(tmpdir(), 'mosaic-cli-'));
const children = new Set<ChildProcess>();
const clients: WhepClient[] = [];

after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  for (const child of children) child.kill('SIGKILL');
  rmSync(directory, { recursive: true, force: true });
});

function run(args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  // The log lines are the CLI's user-facing output here, so they are on whatever the runner says.
  const env = { ...process.env, CAMERA_MOSAIC_LOG: 'info' };
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  children.add(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      children.delete(child);
      resolve(code);
    }),
  );
  return { child, output: () => output, exited };
}

test('an invalid config is refused with its field names and exit code 2', async () => {
  const path = join(directory, 'bad.json');
  writeFileSync(path, JSON.stringify({ cameras: [{ name: 'a', url: 'http://x' }], output: { width: 641 } }));
  const { output, exited } = run(['--config', path]);
  assert.equal(await exited, 2);
  assert.match(output(), /cameras\[0\]\.url/);
  assert.match(output(), /output\.width/);
});

test('--config FILE --port N serves the page and WHEP; SIGTERM with a viewer exits 0 within 3 s', async () => {
  const path = join(directory, 'mosaic.json');
  writeFileSync(path, JSON.stringify(colourMosaicConfig(320, 180)));
  const { child, output, exited } = run(['--config', path, '--port', '0', '--host', '127.0.0.1']);
  const url = await waitFor(
    'the serving line',
    () => /serving the mosaic at (http:\/\/\S+)/.exec(output())?.[1],
    15_000,
  );
  assert.equal((await fetch(`${url}/`)).status, 200);
  const client = await WhepClient.connect(`${url}/whep`);
  clients.push(client);
  await waitFor('frames at the viewer', () => client.units.length >= 5, 8000);
  await waitFor(
    'a per-second stats line',
    () => /fps=\d+(\.\d+)? frames=\d+ clients=1 red=live/.test(output()),
    5000,
  );
  const signalledAt = Date.now();
  child.kill('SIGTERM');
  const code = await exited;
  const shutdownMs = Date.now() - signalledAt;
  assert.equal(code, 0, output());
  assert.ok(shutdownMs < 3000, `shutdown took ${shutdownMs} ms`);
  assert.match(output(), /viewer [0-9a-f-]+: closed \(server closing\)/);
});
