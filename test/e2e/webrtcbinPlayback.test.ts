import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { NetworkNamespace } from '../fixtures/networkNamespace';
import { fixtureScript } from '../fixtures/pythonServer';
import { colourMosaicConfig } from '../helpers/colourMosaic';
import { waitFor } from '../helpers/wait';

// Issue 19, item 5: GStreamer's webrtcbin gathers no loopback candidates (libnice leaves them
// out), so it checks from an interface address; against a server listening on 127.0.0.1, whose
// UDP sockets were bound to 127.0.0.1 too, ICE failed and no frame came. The server and the
// viewer run in a network namespace of the test's own, whose only other address is its end of
// a veth pair: a machine with one network card, and nothing leaves it.
const cli = join(__dirname, '..', '..', 'src', 'core', 'cli.js');
const directory = mkdtempSync(join(tmpdir(), 'camera-mosaic-webrtcbin-'));
const configPath = join(directory, 'config.json');
let namespace: NetworkNamespace;
const servers = new Set<ChildProcess>();

before(() => {
  const gstWebRtc = spawnSync('/usr/bin/python3', [
    '-c',
    'import gi; gi.require_version("GstWebRTC", "1.0"); gi.require_version("Gst", "1.0"); ' +
      'from gi.repository import Gst; Gst.init(None); ' +
      'assert Gst.ElementFactory.find("webrtcbin") and Gst.ElementFactory.find("nicesrc") and Gst.ElementFactory.find("openh264dec")',
  ]);
  if (gstWebRtc.status !== 0) {
    throw new Error(
      'GStreamer webrtcbin, libnice or openh264 is missing: run scripts/setup.sh --test ' +
        `(gstreamer1.0-nice, gir1.2-gst-plugins-bad-1.0)\n${gstWebRtc.stderr.toString()}`,
    );
  }
  namespace = new NetworkNamespace();
  writeFileSync(configPath, JSON.stringify(colourMosaicConfig(320, 180)));
});

after(() => {
  for (const server of servers) server.kill('SIGKILL');
  namespace?.delete();
  rmSync(directory, { recursive: true, force: true });
});

/** The CLI inside the namespace, listening on `host`; resolves with its base URL. */
async function startServer(host: string): Promise<{ url: string; output: () => string }> {
  const args = namespace.exec([process.execPath, cli, '--config', configPath, '--host', host, '--port', '0']);
  // The "serving the mosaic at" line is an info line; the test runner sets warn.
  const env = { ...process.env, CAMERA_MOSAIC_LOG: 'info' };
  const child = spawn(args[0], args.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env });
  servers.add(child);
  child.on('exit', () => servers.delete(child));
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const port = await waitFor(
    'the serving line',
    () => /serving the mosaic at http:\/\/[^:]+:(\d+)/.exec(output)?.[1],
    15000,
  );
  return { url: `http://127.0.0.1:${port}`, output: () => output };
}

/** webrtcbin in the namespace, as a GStreamer-based player: how many frames it decoded, or why not. */
function watch(url: string): Promise<{ code: number | null; output: string }> {
  const args = namespace.exec([
    '/usr/bin/python3',
    fixtureScript('webrtcbinWhep.py'),
    ...['--url', `${url}/whep`, '--frames', '10', '--timeout', '15'],
  ]);
  return new Promise((resolve) => {
    const viewer = spawn(args[0], args.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    viewer.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    viewer.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const killer = setTimeout(() => viewer.kill('SIGKILL'), 25000);
    viewer.on('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, output });
    });
  });
}

for (const host of ['127.0.0.1', '0.0.0.0']) {
  test(`webrtcbin (libnice) plays from a server listening on ${host}`, async () => {
    const server = await startServer(host);
    const viewer = await watch(server.url);
    assert.equal(viewer.code, 0, `${viewer.output}\n--- server:\n${server.output().slice(-2000)}`);
    assert.match(viewer.output, /^FRAMES 10$/m);
  });
}
