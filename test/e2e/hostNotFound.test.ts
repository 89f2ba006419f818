/**
 * Issue 17 item 9: a camera whose host name does not resolve is valid config (DNS may answer
 * later) but goes offline saying so, `host not found: <host>`, instead of FFmpeg's
 * `Input/output error`. `.invalid` never resolves (RFC 6761 §6.4).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { waitFor } from '../helpers/wait';

const cli = join(__dirname, '..', '..', 'src', 'core', 'cli.js');
const directory = mkdtempSync(join(tmpdir(), 'mosaic-host-'));

after(() => rmSync(directory, { recursive: true, force: true }));

test('an unresolvable camera host: offline with "host not found: …"; a refused port keeps its reason', async () => {
  const path = join(directory, 'mosaic.json');
  writeFileSync(
    path,
    JSON.stringify({
      cameras: [
        { name: 'gone', url: 'rtsp://user:secret@no-such-camera.invalid:554/live' },
        { name: 'refused', url: 'rtsp://localhost:1/live' },
        { name: 'demo', url: 'demo:testsrc2?size=160x90&rate=10' },
      ],
      output: { width: 320, height: 180, fps: 10, bitrate: 200000 },
    }),
  );
  const child = spawn(process.execPath, [cli, '--config', path, '--port', '0', '--host', '127.0.0.1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CAMERA_MOSAIC_LOG: 'info' },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  try {
    await waitFor('the unresolvable camera offline', () => /camera gone: offline/.test(output), 15_000);
    await waitFor('the refused camera offline', () => /camera refused: offline/.test(output), 15_000);
    assert.match(output, /camera gone: offline \(host not found: no-such-camera\.invalid\)/);
    assert.doesNotMatch(
      output,
      /camera gone: offline \(open: Input\/output error\)/,
      'one offline line, with the reason',
    );
    assert.match(output, /camera refused: offline \(open: Connection refused\)/);
    assert.ok(!output.includes('secret'), 'the password stays out of the log');
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
});
