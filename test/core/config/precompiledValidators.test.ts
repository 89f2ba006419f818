/**
 * Issue 6: the core validators are generated at build time (scripts/precompileValidators.mjs) so
 * that start-up compiles no schema. The generated ones must behave exactly as Ajv's run-time
 * compilation of the same schemas: same verdict, same defaults filled in, same errors (the
 * `verbose` schema objects issuesFromAjv reads `errorReasons` from) and so the same ConfigError
 * issues. The test generates them itself, as `npm run build:ts` does.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { AnySchema, ValidateFunction } from 'ajv';
import { ajv } from '../../../src/core/config/ajv';
import { issuesFromAjv } from '../../../src/core/config/issuesFromAjv';
import { layoutSchema } from '../../../src/core/config/layoutSchema';
import { loadValidator, precompiledValidatorsPath } from '../../../src/core/config/loadValidator';
import { mosaicConfigSchema } from '../../../src/core/config/mosaicConfigSchema';
import { renditionSchema } from '../../../src/core/config/renditionSchema';

const root = join(__dirname, '..', '..', '..', '..');
const schemas: Record<string, { schema: AnySchema; field: string }> = {
  mosaicConfig: { schema: mosaicConfigSchema, field: '' },
  layout: { schema: layoutSchema, field: 'layout' },
  rendition: { schema: renditionSchema, field: 'rendition' },
};

let precompiled: Record<string, ValidateFunction>;

before(() => {
  execFileSync(process.execPath, [join(root, 'scripts', 'precompileValidators.mjs')], { cwd: root });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  precompiled = require(precompiledValidatorsPath) as Record<string, ValidateFunction>;
});

/** Cases from validateConfig.test.ts and validateLayout.test.ts, valid and not. */
const camera = (name: string, url = 'demo:testsrc2') => ({ name, url });
const tile = (name: string, x: number, width: number) => ({ camera: name, x, y: 0, width, height: 1080 });
const config = (extra: Record<string, unknown> = {}) => ({
  cameras: [camera('left', 'rtsp://user:pass@192.0.2.10:554/live/left'), camera('demo1')],
  output: { width: 1920, height: 1080, fps: 25, bitrate: 4000000, gop: 50 },
  layout: { tiles: [{ camera: 'left', x: 0, y: 0, width: 480, height: 1080, fit: 'stretch' }] },
  server: { port: 8081, host: '0.0.0.0' },
  ...extra,
});
const cases: { schema: string; valid: boolean; document: unknown }[] = [
  ...[
    { cameras: [camera('a')] },
    config(),
    config({ layout: { preset: 'grid', cameras: ['left', 'demo1'], rows: 1 } }),
    config({ layout: { preset: 'focus', camera: 'demo1', fit: 'contain' } }),
    config({ layout: { preset: '1+N', cameras: ['demo1', 'left'] } }),
    config({ layout: { tiles: [tile('left', 0, 1920), tile('demo1', 1440, 480)] } }),
    config({ output: { width: 7680, height: 4320, fps: 60, bitrate: 50_000_000, gop: 600 } }),
    config({ server: { port: 65535, host: '::', token: 't', maxViewers: 1, iceAddresses: ['203.0.113.7'] } }),
    {
      cameras: [camera('a'), camera('b')],
      mosaics: [{ name: 'm1' }, { name: 'm2', layout: { preset: 'grid' } }],
    },
  ].map((document) => ({ schema: 'mosaicConfig', valid: true, document })),
  ...[
    undefined,
    null,
    42,
    [],
    {},
    { cameras: [] },
    { cameras: Array.from({ length: 65 }, (_, i) => camera(`c${i}`)) },
    config({ cameras: [camera('front door', 'http://192.0.2.1/x'), { name: '', url: 5 }, 'demo:x'] }),
    config({ cameras: [{ name: 'n'.repeat(65), url: 'demo:x', transport: 'http', trasnport: 'udp' }] }),
    config({ output: { width: 1921, height: 62, fps: 29.97, bitrate: 99_999, gop: 601, preset: 'turbo' } }),
    config({ output: { width: '1920', profile: 'extended', framerate: 30 } }),
    config({ staleTimeoutMs: 499, foo: 1, 'out put': 1 }),
    config({ server: { port: 0, host: '', token: 1234, maxViewers: 0, iceAddresses: ['a', 7] } }),
    config({ layout: { tiles: [{ camera: 'left', x: 3, y: -2, width: 0, fit: 'zoom' }] } }),
    config({ layout: { tiles: [] } }),
    config({ layout: {} }),
    config({ layout: 'grid' }),
    config({ layout: { preset: 'mosaic' } }),
    config({ layout: { preset: 'grid', rows: 0, colums: 2 } }),
    config({ layout: { preset: 'classic4', cameras: ['left'] } }),
    config({ layout: { preset: 'focus', fit: 'fill' } }),
    { cameras: [camera('a')], mosaics: [{ layout: { preset: 'nope' } }], output: 'x' },
  ].map((document) => ({ schema: 'mosaicConfig', valid: false, document })),
  ...[
    { preset: 'classic4', cameras: ['left', 'top', 'bottom', 'right'] },
    { tiles: [{ camera: 'top', x: 0, y: 0, width: 1920, height: 1080 }] },
    { preset: 'grid', rows: 1, columns: 2 },
  ].map((document) => ({ schema: 'layout', valid: true, document })),
  ...[
    { tiles: [{ camera: 'left', x: 1, y: 0, width: 2, height: 2 }] },
    { preset: 'zoom' },
    null,
    { preset: 'grid', extra: 1 },
    { preset: 'focus', camera: 7 },
  ].map((document) => ({ schema: 'layout', valid: false, document })),
  ...[
    { width: 640, height: 360, fps: 15, bitrate: 300_000 },
    { width: 1280, height: 720, fps: 30, bitrate: 2_000_000, gop: 60, profile: 'high' },
  ].map((document) => ({ schema: 'rendition', valid: true, document })),
  ...[{}, { width: 641, height: 8, fps: 61, bitrate: 1, gop: 0, profile: 'extended', extra: true }, 'x'].map(
    (document) => ({ schema: 'rendition', valid: false, document }),
  ),
];

/** What a caller sees of one validation: verdict, the document after defaults, errors, issues. */
function outcome(validate: ValidateFunction, document: unknown, field: string) {
  const data = structuredClone(document);
  const valid = validate(data);
  const errors = validate.errors ?? [];
  return { valid, data, errors, issues: issuesFromAjv(errors, data, field) };
}

describe('precompiled validators', () => {
  for (const [i, { schema, valid, document }] of cases.entries()) {
    it(`${schema} #${i} (${valid ? 'valid' : 'invalid'}): same as compiled at run time`, () => {
      const { schema: source, field } = schemas[schema]!;
      const generated = outcome(precompiled[schema]!, document, field);
      const compiled = outcome(ajv.compile(source), document, field);
      assert.equal(generated.valid, valid);
      assert.deepStrictEqual(generated, compiled);
      if (!valid) assert.ok(generated.issues.length > 0);
    });
  }

  it('are what the loader gives, for the schemas they were built from only', () => {
    for (const [name, { schema }] of Object.entries(schemas)) {
      assert.equal(loadValidator(name, schema), precompiled[name], name);
    }
    // A build older than a schema edit (rebuilt with tsc alone) must not validate the new schema.
    const properties = { ...renditionSchema.properties, fps: { type: 'integer', maximum: 120 } };
    const validate = loadValidator('rendition', { ...renditionSchema, properties });
    assert.notEqual(validate, precompiled['rendition']);
    assert.equal(validate({ width: 640, height: 360, fps: 90, bitrate: 300_000 }), true);
  });

  it('are what the built package validates with, without loading Ajv', () => {
    const script = `
      require('./dist/src/core/stitcher/stitcher');
      const loaded = () => Object.keys(require.cache).map((path) => path.slice(${root.length}));
      const atStart = loaded();
      require('./dist/src/core/config/validateConfig').validateConfig({ cameras: [{ name: 'a', url: 'demo:x' }] });
      require('./dist/src/core/config/validateRendition').validateRendition({ width: 64, height: 64, fps: 1, bitrate: 20000 });
      console.log(JSON.stringify({ atStart, after: loaded() }));`;
    const { atStart, after } = JSON.parse(
      execFileSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' }),
    ) as { atStart: string[]; after: string[] };
    const precompiledModule = precompiledValidatorsPath.slice(root.length);
    assert.ok(!atStart.includes(precompiledModule), 'validators load on first use, not at start-up');
    assert.ok(after.includes(precompiledModule));
    assert.deepEqual(
      after.filter((path) => path.startsWith('/node_modules/ajv/')),
      ['/node_modules/ajv/dist/runtime/ucs2length.js'],
      'only the runtime helper the generated code requires',
    );
  });

  it('ship in the package (package.json "files")', () => {
    const stdout = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const [packed] = JSON.parse(stdout) as { files: { path: string }[] }[];
    assert.ok(packed!.files.some((f) => f.path === 'dist/src/core/config/precompiledValidators.js'));
  });
});
