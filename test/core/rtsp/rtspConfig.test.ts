import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateConfig } from '../../../src/core/config/validateConfig';
import { ConfigError } from '../../../src/core/errors';

const base = { cameras: [{ name: 'a', url: 'demo:testsrc2' }] };
const withServer = (server: Record<string, unknown>) => ({ ...base, server });

describe('server.rtsp', () => {
  it('is off when left out or false', () => {
    assert.equal(validateConfig(base).server.rtsp, undefined);
    assert.equal(validateConfig(withServer({ rtsp: false })).server.rtsp, false);
  });

  it('an object turns it on with port 8554 and 20 clients; host stays for server.host to fill', () => {
    assert.deepEqual(validateConfig(withServer({ rtsp: {} })).server.rtsp, { port: 8554, maxClients: 20 });
    const full = { port: 554, host: '::', username: 'nvr', password: 'p', maxClients: 3 };
    assert.deepEqual(validateConfig(withServer({ rtsp: full })).server.rtsp, full);
  });

  const rejected: [string, Record<string, unknown>, string, RegExp][] = [
    ['true', { rtsp: true }, 'server.rtsp', /false or an object/],
    ['port 0', { rtsp: { port: 0 } }, 'server.rtsp.port', /must be >= 1/],
    ['a typo', { rtsp: { prot: 1 } }, 'server.rtsp.prot', /did you mean `port`/],
    ['a username alone', { rtsp: { username: 'nvr' } }, 'server.rtsp', /username and password go together/],
    ['a token, no credentials', { token: 't', rtsp: {} }, 'server.rtsp.username', /server.token/],
  ];
  for (const [name, server, field, reason] of rejected) {
    it(`rejects ${name}, naming ${field}`, () => {
      assert.throws(
        () => validateConfig(withServer(server)),
        (error: unknown) =>
          error instanceof ConfigError &&
          error.issues.some((i) => i.field === field && reason.test(i.reason)),
      );
    });
  }

  it('a token with credentials, or with RTSP off, is fine', () => {
    assert.doesNotThrow(() =>
      validateConfig(withServer({ token: 't', rtsp: { username: 'u', password: 'p' } })),
    );
    assert.doesNotThrow(() => validateConfig(withServer({ token: 't', rtsp: false })));
  });
});
