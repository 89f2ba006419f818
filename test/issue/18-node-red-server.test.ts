import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateConfig } from '../../src/core/config';
import { ConfigError } from '../../src/core/errors';
import { engineDocument } from '../../src/node-red/engineDocument';

// Issue 18, item 3: the engine node carries server.corsOrigins and server.allowedHosts.
const props = { cameras: [{ name: 'a', url: 'demo:color?c=red&size=160x90&rate=25' }] };

test('the engine node turns its CORS origins and host names into lists the schema accepts', () => {
  const { config } = engineDocument(
    {
      ...props,
      corsOrigins: 'https://dash.example:8443, http://10.0.0.2:1880',
      allowedHosts: ' mosaic.home.arpa ',
    },
    {},
  );
  assert.deepEqual(config['server'], {
    corsOrigins: ['https://dash.example:8443', 'http://10.0.0.2:1880'],
    allowedHosts: ['mosaic.home.arpa'],
  });
  const valid = validateConfig(config);
  assert.deepEqual(valid.server.corsOrigins, ['https://dash.example:8443', 'http://10.0.0.2:1880']);
});

test('empty fields (and flows from before) take the defaults: no origins, no extra names', () => {
  for (const extra of [{}, { corsOrigins: '', allowedHosts: '  ' }]) {
    const valid = validateConfig(engineDocument({ ...props, ...extra }, {}).config);
    assert.deepEqual(valid.server.corsOrigins, []);
    assert.deepEqual(valid.server.allowedHosts, []);
  }
});

test('a path, a missing scheme or a port in a host name is a ConfigError naming the field', () => {
  const cases: [Record<string, string>, string][] = [
    [{ corsOrigins: 'https://dash.example/' }, 'server.corsOrigins[0]'],
    [{ corsOrigins: 'dash.example' }, 'server.corsOrigins[0]'],
    [{ corsOrigins: '*' }, 'server.corsOrigins[0]'],
    [{ allowedHosts: 'ok.example mosaic.example:8081' }, 'server.allowedHosts[1]'],
    [{ allowedHosts: 'http://mosaic.example' }, 'server.allowedHosts[0]'],
  ];
  for (const [extra, field] of cases) {
    assert.throws(
      () => validateConfig(engineDocument({ ...props, ...extra }, {}).config),
      (error: unknown) => error instanceof ConfigError && error.issues.some((i) => i.field === field),
      JSON.stringify(extra),
    );
  }
});
