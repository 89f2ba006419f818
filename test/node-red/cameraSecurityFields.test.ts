/**
 * The engine dialog's per-camera security settings reach the config: a pinned rtsps://
 * certificate and following redirects. Before, the node dropped both, so a Node-RED user could
 * not pin a camera nor follow one that redirects. A wrong fingerprint is refused naming it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateConfig } from '../../src/core/config/validateConfig';
import { ConfigError } from '../../src/core/errors';
import { engineDocument } from '../../src/node-red/engineDocument';

const fingerprint = Array.from({ length: 32 }, (_, i) => (i * 7).toString(16).padStart(2, '0')).join(':');

test('a camera row keeps its TLS fingerprint and followRedirects', () => {
  const cameras = [
    { name: 'pinned', url: 'rtsps://cam-a:322/live', tlsFingerprint: fingerprint },
    { name: 'moved', url: 'rtsp://cam-b/live', followRedirects: true },
    { name: 'plain', url: 'rtsp://cam-c/live', tlsFingerprint: '' },
  ];
  const { config } = engineDocument({ cameras }, {});
  const valid = validateConfig(config);
  assert.equal(valid.cameras[0].tlsFingerprint, fingerprint);
  assert.equal(valid.cameras[0].followRedirects, false);
  assert.equal(valid.cameras[1].followRedirects, true);
  assert.equal(valid.cameras[2].tlsFingerprint, undefined, 'an empty field is no fingerprint');
});

test('a malformed fingerprint is refused, naming the camera field', () => {
  const { config } = engineDocument(
    { cameras: [{ name: 'a', url: 'rtsps://cam/1', tlsFingerprint: 'AB:CD' }] },
    {},
  );
  assert.throws(
    () => validateConfig(config),
    (error: unknown) =>
      error instanceof ConfigError && error.issues.some((i) => i.field === 'cameras[0].tlsFingerprint'),
  );
});
