import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { validateConfig } from '../../../src/core/config';
import { ConfigError } from '../../../src/core/errors';
import {
  normaliseFingerprint,
  relayedUrl,
  rtspsTarget,
  TlsPinRelay,
} from '../../../src/core/stitcher/tlsPinRelay';

// The pure parts of the rtsps:// certificate pin; the relay itself is proven against a real
// GStreamer rtsps:// camera and a TLS impostor in test/issue/18-cameras.test.ts.
const pin = 'AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89';

test('a fingerprint in either form is the one Node reports', () => {
  assert.equal(normaliseFingerprint(pin.toLowerCase()), pin);
  assert.equal(normaliseFingerprint(pin.replace(/:/g, '')), pin);
});

test('FFmpeg gets plain RTSP to the relay, with the credentials, path and query of the camera', () => {
  assert.equal(
    relayedUrl('rtsps://admin:p%40ss@cam.example:7441/live/main?channel=1', 4242),
    'rtsp://admin:p%40ss@127.0.0.1:4242/live/main?channel=1',
  );
  assert.equal(relayedUrl('rtsps://cam.example/live', 4242), 'rtsp://127.0.0.1:4242/live');
  assert.deepEqual(rtspsTarget('rtsps://u:p@cam.example/live'), { host: 'cam.example', port: 322 });
  assert.deepEqual(rtspsTarget('rtsps://[fd00::7]:7441/live'), { host: 'fd00::7', port: 7441 });
});

test('tlsFingerprint must be a SHA-256 fingerprint', () => {
  const camera = { name: 'a', url: 'rtsps://cam.example/live' };
  assert.equal(
    validateConfig({ cameras: [{ ...camera, tlsFingerprint: pin }] }).cameras[0].tlsFingerprint,
    pin,
  );
  assert.throws(
    () => validateConfig({ cameras: [{ ...camera, tlsFingerprint: 'AB:CD' }] }),
    (error: unknown) =>
      error instanceof ConfigError &&
      /cameras\[0\]\.tlsFingerprint: must be a SHA-256 fingerprint/.test(error.message),
  );
});

/** The local addresses, as the kernel writes them (hex), of the sockets listening on `port`. */
function listeningOn(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((table) =>
    readFileSync(table, 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      // st 0A is LISTEN.
      .filter((fields) => fields[1]?.endsWith(`:${hexPort}`) && fields[3] === '0A')
      .map((fields) => fields[1].split(':')[0]),
  );
}

test('the relay listens on 127.0.0.1 only: no other machine can reach it', async () => {
  const relay = await TlsPinRelay.listen({ host: '127.0.0.1', port: 1 }, pin);
  const { port } = relay;
  try {
    // 0100007F is 127.0.0.1 in the kernel's byte order; all interfaces would be 00000000 or 00…0 in tcp6.
    assert.deepEqual(listeningOn(port), ['0100007F']);
  } finally {
    await relay.close();
  }
  assert.deepEqual(listeningOn(port), [], 'closed');
});
