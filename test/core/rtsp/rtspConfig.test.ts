import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rtspServerOn } from '../../../src/core/config/serverSchema';
import { validateConfig } from '../../../src/core/config/validateConfig';
import { ConfigError } from '../../../src/core/errors';

const base = { cameras: [{ name: 'a', url: 'demo:testsrc2' }] };
const withServer = (server: Record<string, unknown>) => ({ ...base, server });

describe('server.rtsp', () => {
  it('is off when left out, false, or enabled: false (which keeps its settings)', () => {
    assert.equal(rtspServerOn(validateConfig(base).server), undefined);
    assert.equal(rtspServerOn(validateConfig(withServer({ rtsp: false })).server), undefined);
    const kept = validateConfig(withServer({ rtsp: { enabled: false, port: 8555 } })).server;
    assert.equal(rtspServerOn(kept), undefined);
    assert.deepEqual(kept.rtsp, { enabled: false, port: 8555, maxClients: 20 });
  });

  it('an object turns it on with port 8554 and 20 clients; host stays for server.host to fill', () => {
    const on = validateConfig(withServer({ rtsp: {} })).server;
    assert.deepEqual(rtspServerOn(on), { enabled: true, port: 8554, maxClients: 20 });
    const full = { enabled: true, port: 554, host: '::', username: 'nvr', password: 'p', maxClients: 3 };
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
    assert.doesNotThrow(() => validateConfig(withServer({ token: 't', rtsp: { enabled: false } })));
  });
});
