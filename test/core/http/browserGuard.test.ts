import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { hostname } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { Engine } from '../../../src/core/engine';
import { openBindWarning } from '../../../src/core/http/httpServer';

// Issue 18, item 3: what a page on another origin, or a DNS-rebound name, gets from the server.
const listed = 'https://dash.example:8443';
let engine: Engine;
let port = 0;

before(async () => {
  engine = new Engine(
    {
      cameras: [{ name: 'a', url: 'demo:color?c=red&size=160x90&rate=25' }],
      output: { width: 320, height: 180 },
      server: { corsOrigins: [listed], allowedHosts: ['mosaic.home.arpa'] },
    },
    { port: 0, host: '127.0.0.1', logSink: () => undefined },
  );
  await engine.start();
  port = Number(new URL(engine.url).port);
});

after(async () => {
  await engine?.close();
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** node:http, since fetch() will not send a Host or Sec-Fetch-Site of our choosing. */
function send(method: string, path: string, headers: Record<string, string>, body = ''): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('Host header', () => {
  const allowed = [
    `127.0.0.1:${port}`,
    '127.0.0.1',
    '[::1]:8081',
    'localhost:8081',
    'LOCALHOST',
    hostname(),
    `${hostname()}.local:8081`,
    'mosaic.home.arpa',
    'mosaic.home.arpa.:80',
    '192.0.2.7',
  ];
  for (const host of allowed) {
    it(`${host} is served`, async () => {
      assert.equal((await send('GET', '/stats', { Host: host })).status, 200);
    });
  }
  for (const host of ['evil.example', 'evil.example:8081', 'localhost.evil.example', '127.0.0.1.nip.io']) {
    it(`${host} is refused with 421 naming it`, async () => {
      for (const path of ['/stats', '/snapshot.jpg', '/']) {
        const answer = await send('GET', path, { Host: host });
        assert.equal(answer.status, 421, path);
        assert.match(answer.body, /is not served here: add it to server\.allowedHosts/);
      }
    });
  }
  it('a malformed Host is a 400', async () => {
    assert.equal((await send('GET', '/stats', { Host: 'a:b:c' })).status, 400);
  });
});

describe('CORS', () => {
  it('no Access-Control-Allow-Origin for an unlisted origin, on answers and preflights', async () => {
    const get = await send('GET', '/stats', { Origin: 'http://evil.example' });
    assert.equal(get.headers['access-control-allow-origin'], undefined);
    const preflight = await send('OPTIONS', '/api/layout', {
      Origin: 'http://evil.example',
      'Access-Control-Request-Method': 'PUT',
    });
    assert.equal(preflight.headers['access-control-allow-origin'], undefined);
    assert.equal(preflight.headers['access-control-allow-methods'], undefined);
  });

  it('a listed origin is echoed, with Vary: Origin and what a WHEP preflight needs', async () => {
    const get = await send('GET', '/stats', { Origin: listed });
    assert.equal(get.headers['access-control-allow-origin'], listed);
    assert.equal(get.headers.vary, 'Origin');
    assert.match(String(get.headers['access-control-expose-headers']), /Location/);
    const preflight = await send('OPTIONS', '/whep', {
      Origin: listed,
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'authorization, content-type',
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers['access-control-allow-origin'], listed);
    assert.match(String(preflight.headers['access-control-allow-methods']), /POST/);
    assert.match(String(preflight.headers['access-control-allow-methods']), /DELETE/);
    assert.match(String(preflight.headers['access-control-allow-headers']), /Authorization/);
    assert.match(String(preflight.headers['access-control-allow-headers']), /Content-Type/);
  });
});

describe('state-changing requests from another site', () => {
  const layout = JSON.stringify({ preset: 'grid', cameras: ['a'] });
  const json = { 'Content-Type': 'application/json' };
  const refused: [string, Record<string, string>][] = [
    ['Sec-Fetch-Site: cross-site', { 'Sec-Fetch-Site': 'cross-site' }],
    ['Sec-Fetch-Site: same-site (another port)', { 'Sec-Fetch-Site': 'same-site' }],
    ['an unlisted Origin', { Origin: 'http://evil.example' }],
    ['Origin: null', { Origin: 'null' }],
    ['an Origin on another port', { Origin: 'http://127.0.0.1:1' }],
  ];
  for (const [what, headers] of refused) {
    it(`${what}: PUT /api/layout and POST /whep are 403`, async () => {
      const put = await send('PUT', '/api/layout', { ...json, ...headers }, layout);
      assert.equal(put.status, 403, put.body);
      assert.match(put.body, /server\.corsOrigins/);
      const offer = await send('POST', '/whep', { 'Content-Type': 'application/sdp', ...headers }, 'v=0\r\n');
      assert.equal(offer.status, 403, offer.body);
    });
  }
  it('the same origin, a listed origin, and a client that is no browser may', async () => {
    const allowed: Record<string, string>[] = [
      { Origin: `http://127.0.0.1:${port}`, 'Sec-Fetch-Site': 'same-origin' },
      { Origin: listed, 'Sec-Fetch-Site': 'cross-site' },
      {},
    ];
    for (const headers of allowed) {
      const put = await send('PUT', '/api/layout', { ...json, ...headers }, layout);
      assert.equal(put.status, 200, `${JSON.stringify(headers)}: ${put.body}`);
    }
  });
});

describe('no token on a non-loopback bind', () => {
  it('is a warning at start, with the way out', () => {
    for (const host of ['0.0.0.0', '::', '192.0.2.7', 'mosaic.home.arpa']) {
      assert.match(
        openBindWarning(host, 8081, undefined) ?? '',
        /^listening on .*:8081 without server\.token: anyone on the network .*\(set a token, or host 127\.0\.0\.1\)$/,
        host,
      );
    }
  });
  it('is no warning with a token, or on loopback', () => {
    assert.equal(openBindWarning('0.0.0.0', 8081, 'secret'), undefined);
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', 'localhost']) {
      assert.equal(openBindWarning(host, 8081, undefined), undefined, host);
    }
  });
});
