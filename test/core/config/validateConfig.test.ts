import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateConfig } from '../../../src/core/config/validateConfig';
import { ConfigError, type ConfigIssue } from '../../../src/core/errors';

/** The config from the issue, as a user writes it. */
function issueExample(): Record<string, unknown> {
  return {
    cameras: [
      { name: 'left', url: 'rtsp://user:pass@192.0.2.10:554/live/left', transport: 'tcp' },
      { name: 'demo1', url: 'demo:testsrc2?size=640x360&rate=25' },
    ],
    output: { width: 1920, height: 1080, fps: 25, bitrate: 4000000, gop: 50 },
    staleTimeoutMs: 10000,
    layout: {
      tiles: [{ camera: 'left', x: 0, y: 0, width: 480, height: 1080, fit: 'stretch' }],
    },
    server: { port: 8081, host: '0.0.0.0' },
  };
}

/**
 * The example with some values replaced, each addressed by a dotted path (`cameras.1.url`);
 * `undefined` deletes the value. Rows of the tables below are such change sets.
 */
function exampleWith(changes: Record<string, unknown>): Record<string, unknown> {
  const document = issueExample();
  for (const [path, value] of Object.entries(changes)) {
    const split = path.lastIndexOf('.');
    let target = document;
    for (const key of split < 0 ? [] : path.slice(0, split).split('.')) {
      target = target[key] as Record<string, unknown>;
    }
    const last = path.slice(split + 1);
    if (value === undefined) delete target[last];
    else target[last] = value;
  }
  return document;
}

function issuesOf(document: unknown): readonly ConfigIssue[] {
  try {
    validateConfig(document);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `not a ConfigError: ${String(error)}`);
    return error.issues;
  }
  assert.fail('the document was accepted');
}

const tile = (camera: string, x: number, width: number) => ({ camera, x, y: 0, width, height: 1080 });
const camerasNamed = (count: number) =>
  Array.from({ length: count }, (_, i) => ({ name: `c${i}`, url: 'demo:testsrc2' }));

describe('validateConfig accepts', () => {
  it('a minimal document and fills in every default', () => {
    const config = validateConfig({ cameras: [{ name: 'a', url: 'demo:testsrc2' }] });
    assert.deepEqual(config, {
      cameras: [
        {
          name: 'a',
          url: 'demo:testsrc2',
          transport: 'tcp',
          followRedirects: false,
          motion: { enabled: true, sensitivity: 50, masks: [] },
        },
      ],
      output: {
        width: 1920,
        height: 1080,
        fps: 25,
        bitrate: 4_000_000,
        gop: 50,
        preset: 'ultrafast',
        profile: 'baseline',
      },
      staleTimeoutMs: 10_000,
      labels: { names: false, clock: false, position: 'bottom-left' },
      server: {
        port: 8081,
        host: '0.0.0.0',
        corsOrigins: [],
        allowedHosts: [],
        maxViewers: 20,
        iceAddresses: [],
      },
      outputs: [],
      mainStreamIdleMs: 10_000,
    });
  });

  it("the issue's example config, completed but otherwise unchanged", () => {
    const config = validateConfig(issueExample());
    assert.equal(config.cameras[1]?.transport, 'tcp');
    assert.equal(config.output.preset, 'ultrafast');
    assert.deepEqual(config.layout, {
      tiles: [
        {
          camera: 'left',
          x: 0,
          y: 0,
          width: 480,
          height: 1080,
          fit: 'stretch',
          stream: 'auto',
          rotateMs: 10000,
        },
      ],
    });
  });

  it("without touching the caller's object", () => {
    const document = exampleWith({ server: undefined });
    const before = structuredClone(document);
    const config = validateConfig(document);
    assert.deepEqual(document, before);
    assert.notEqual(config.cameras, document['cameras']);
  });

  const valid: Record<string, Record<string, unknown>> = {
    grid: { layout: { preset: 'grid', cameras: ['left', 'demo1'], rows: 1 } },
    'grid of all cameras': { layout: { preset: 'grid' } },
    classic4: { layout: { preset: 'classic4', cameras: ['left', 'demo1', 'left', 'demo1'] } },
    focus: { layout: { preset: 'focus', camera: 'demo1', fit: 'contain' } },
    '1+N': { layout: { preset: '1+N', cameras: ['demo1', 'left'] } },
    'no layout': { layout: undefined },
    'overlapping tiles': { 'layout.tiles': [tile('left', 0, 1920), tile('demo1', 1440, 480)] },
    'smallest output': {
      output: { width: 64, height: 64, fps: 1, bitrate: 100_000, gop: 1 },
      layout: undefined,
    },
    'largest output': { output: { width: 7680, height: 4320, fps: 60, bitrate: 50_000_000, gop: 600 } },
    'x264 preset and profile': { 'output.preset': 'veryslow', 'output.profile': 'high' },
    'udp, rtsps, every name character': {
      'cameras.1': { name: 'A-z_0.9', url: 'rtsps://h/x', transport: 'udp' },
    },
    '64 cameras': { cameras: [...camerasNamed(63), { name: 'left', url: 'demo:x' }] },
    '64-character name': { 'cameras.1.name': 'n'.repeat(64) },
    'stale timeout limits': { staleTimeoutMs: 600_000 },
    server: {
      server: {
        port: 65535,
        host: '::',
        token: 't',
        maxViewers: 1,
        iceAddresses: ['203.0.113.7'],
        corsOrigins: ['https://dash.example:8443', 'http://[::1]:3000', 'http://10.0.0.2'],
        allowedHosts: ['mosaic.home.arpa', 'pi.local.'],
      },
    },
  };
  for (const [name, changes] of Object.entries(valid)) {
    it(name, () => assert.doesNotThrow(() => validateConfig(exampleWith(changes))));
  }
});

describe('validateConfig rejects, naming the field as the user wrote it', () => {
  const rows: { change: Record<string, unknown>; field: string; reason: string }[] = [
    // cameras
    { change: { cameras: [] }, field: 'cameras', reason: 'must have at least 1 item' },
    { change: { cameras: camerasNamed(65) }, field: 'cameras', reason: 'must have at most 64 items' },
    { change: { cameras: undefined }, field: 'cameras', reason: 'is required' },
    {
      change: { 'cameras.1.url': 'http://192.0.2.1/x' },
      field: 'cameras[1].url',
      reason: 'must start with rtsp://, rtsps:// or demo:',
    },
    { change: { 'cameras.0.url': undefined }, field: 'cameras[0].url', reason: 'is required' },
    { change: { 'cameras.0.url': 5 }, field: 'cameras[0].url', reason: 'must be a string' },
    {
      change: { 'cameras.0.name': 'front door' },
      field: 'cameras[0].name',
      reason: 'may contain only letters, digits, _, - and .',
    },
    {
      change: { 'cameras.0.name': '' },
      field: 'cameras[0].name',
      reason: 'must be at least 1 character long',
    },
    {
      change: { 'cameras.0.name': 'n'.repeat(65) },
      field: 'cameras[0].name',
      reason: 'must be at most 64 characters long',
    },
    {
      change: { 'cameras.2': { name: 'left', url: 'demo:x' } },
      field: 'cameras[2].name',
      reason: 'duplicate camera name "left"',
    },
    {
      change: { 'cameras.0.transport': 'http' },
      field: 'cameras[0].transport',
      reason: 'must be one of tcp, udp',
    },
    {
      change: { 'cameras.0.trasnport': 'udp' },
      field: 'cameras[0].trasnport',
      reason: 'unknown property; did you mean `transport`?',
    },
    { change: { 'cameras.1': 'demo:x' }, field: 'cameras[1]', reason: 'must be an object' },
    // output
    { change: { 'output.width': 1921 }, field: 'output.width', reason: 'must be an even number' },
    { change: { 'output.width': 62 }, field: 'output.width', reason: 'must be >= 64' },
    { change: { 'output.width': 7682 }, field: 'output.width', reason: 'must be <= 7680' },
    { change: { 'output.width': '1920' }, field: 'output.width', reason: 'must be an integer' },
    { change: { 'output.height': 1079 }, field: 'output.height', reason: 'must be an even number' },
    { change: { 'output.height': 62 }, field: 'output.height', reason: 'must be >= 64' },
    { change: { 'output.height': 4322 }, field: 'output.height', reason: 'must be <= 4320' },
    { change: { 'output.fps': 61 }, field: 'output.fps', reason: 'must be <= 60' },
    { change: { 'output.fps': 0 }, field: 'output.fps', reason: 'must be >= 1' },
    { change: { 'output.fps': 29.97 }, field: 'output.fps', reason: 'must be an integer' },
    { change: { 'output.bitrate': 99_999 }, field: 'output.bitrate', reason: 'must be >= 100000' },
    { change: { 'output.bitrate': 50_000_001 }, field: 'output.bitrate', reason: 'must be <= 50000000' },
    { change: { 'output.gop': 0 }, field: 'output.gop', reason: 'must be >= 1' },
    { change: { 'output.gop': 601 }, field: 'output.gop', reason: 'must be <= 600' },
    {
      change: { 'output.preset': 'turbo' },
      field: 'output.preset',
      reason:
        'must be one of ultrafast, superfast, veryfast, faster, fast, medium, slow, slower, veryslow, placebo',
    },
    {
      change: { 'output.profile': 'extended' },
      field: 'output.profile',
      reason: 'must be one of baseline, main, high',
    },
    { change: { 'output.framerate': 30 }, field: 'output.framerate', reason: 'unknown property' },
    // staleTimeoutMs
    { change: { staleTimeoutMs: 499 }, field: 'staleTimeoutMs', reason: 'must be >= 500' },
    { change: { staleTimeoutMs: 600_001 }, field: 'staleTimeoutMs', reason: 'must be <= 600000' },
    // server
    { change: { 'server.port': 0 }, field: 'server.port', reason: 'must be >= 1' },
    { change: { 'server.port': 65536 }, field: 'server.port', reason: 'must be <= 65535' },
    { change: { 'server.host': '' }, field: 'server.host', reason: 'must be at least 1 character long' },
    { change: { 'server.token': 1234 }, field: 'server.token', reason: 'must be a string' },
    { change: { 'server.maxViewers': 0 }, field: 'server.maxViewers', reason: 'must be >= 1' },
    {
      change: { 'server.iceAddresses': '203.0.113.7' },
      field: 'server.iceAddresses',
      reason: 'must be an array',
    },
    {
      change: { 'server.iceAddresses': ['a', 7] },
      field: 'server.iceAddresses[1]',
      reason: 'must be a string',
    },
    {
      change: { 'server.corsOrigins': ['https://dash.example', 'https://dash.example/'] },
      field: 'server.corsOrigins[1]',
      reason: 'must be an origin: http:// or https://, a host, an optional :port, no path',
    },
    {
      change: { 'server.corsOrigins': ['*'] },
      field: 'server.corsOrigins[0]',
      reason: 'must be an origin: http:// or https://, a host, an optional :port, no path',
    },
    {
      change: { 'server.allowedHosts': ['mosaic.example:8081'] },
      field: 'server.allowedHosts[0]',
      reason: 'must be a host name: letters, digits, - and dots, no port or scheme',
    },
    // the document itself
    { change: { foo: 1 }, field: 'foo', reason: 'unknown property' },
    { change: { 'out put': 1 }, field: '["out put"]', reason: 'unknown property; did you mean `output`?' },
    // layout: one issue, from the form the user meant, never the other forms' complaints
    {
      change: { 'layout.tiles.0.camera': 'x' },
      field: 'layout.tiles[0].camera',
      reason: 'no camera named "x"',
    },
    {
      change: { 'layout.tiles.1': tile('demo1', 1520, 480) },
      field: 'layout.tiles[1]',
      reason: 'extends past the canvas (x + width = 2000 > output.width 1920)',
    },
    {
      change: { 'layout.tiles.0.y': 2 },
      field: 'layout.tiles[0]',
      reason: 'extends past the canvas (y + height = 1082 > output.height 1080)',
    },
    { change: { 'layout.tiles.0.x': 3 }, field: 'layout.tiles[0].x', reason: 'must be an even number' },
    { change: { 'layout.tiles.0.y': -2 }, field: 'layout.tiles[0].y', reason: 'must be >= 0' },
    { change: { 'layout.tiles.0.width': 0 }, field: 'layout.tiles[0].width', reason: 'must be >= 2' },
    {
      change: { 'layout.tiles.0.fit': 'zoom' },
      field: 'layout.tiles[0].fit',
      reason: 'must be one of stretch, contain, cover',
    },
    {
      change: { 'layout.tiles.0.height': undefined },
      field: 'layout.tiles[0].height',
      reason: 'is required',
    },
    { change: { 'layout.tiles': [] }, field: 'layout.tiles', reason: 'must have at least 1 item' },
    { change: { 'layout.preset': 'grid' }, field: 'layout.preset', reason: 'unknown property' },
    { change: { layout: {} }, field: 'layout.preset', reason: 'is required unless layout has "tiles"' },
    { change: { layout: 'grid' }, field: 'layout', reason: 'must be an object' },
    {
      change: { layout: { preset: 'mosaic' } },
      field: 'layout.preset',
      reason: 'must be one of grid, classic4, focus, 1+N, auto',
    },
    { change: { layout: { preset: 'grid', rows: 0 } }, field: 'layout.rows', reason: 'must be >= 1' },
    {
      change: { layout: { preset: 'grid', cameras: ['left', 'x'] } },
      field: 'layout.cameras[1]',
      reason: 'no camera named "x"',
    },
    {
      change: { layout: { preset: 'grid', cameras: ['left', 'demo1', 'left'], rows: 1, columns: 2 } },
      field: 'layout',
      reason: '1 rows x 2 columns hold 2 cameras, not 3',
    },
    {
      change: { output: { width: 64, height: 64 }, layout: { preset: 'grid', columns: 33 } },
      field: 'layout.columns',
      reason: '33 columns do not fit in output.width 64',
    },
    {
      change: { layout: { preset: 'grid', colums: 2 } },
      field: 'layout.colums',
      reason: 'unknown property; did you mean `columns`?',
    },
    {
      change: { layout: { preset: 'classic4', cameras: ['left'] } },
      field: 'layout.cameras',
      reason: 'must have exactly 4 items',
    },
    { change: { layout: { preset: 'focus' } }, field: 'layout.camera', reason: 'is required' },
    {
      change: { layout: { preset: 'focus', camera: 'x' } },
      field: 'layout.camera',
      reason: 'no camera named "x"',
    },
    {
      change: { layout: { preset: 'focus', camera: 'left', fit: 'fill' } },
      field: 'layout.fit',
      reason: 'must be one of stretch, contain, cover',
    },
    {
      change: { layout: { preset: '1+N', cameras: ['left'] } },
      field: 'layout.cameras',
      reason: 'must have at least 2 items',
    },
  ];
  for (const { change, field, reason } of rows) {
    it(`${JSON.stringify(change)} → ${field}: ${reason}`, () => {
      assert.deepEqual(issuesOf(exampleWith(change)), [{ field, reason }]);
    });
  }

  it('a document that is not an object', () => {
    for (const document of [undefined, null, 42, 'cameras', []]) {
      assert.deepEqual(issuesOf(document), [{ field: '', reason: 'must be an object' }]);
    }
  });

  it('a document that is not plain data', () => {
    assert.deepEqual(issuesOf({ cameras: [], onStart: () => 1 }), [
      { field: '', reason: 'must be plain JSON data' },
    ]);
  });

  it('every mistake at once, one line each in the message', () => {
    const document = exampleWith({ 'cameras.1.url': 'http://x', 'output.fps': 61, foo: true });
    assert.throws(() => validateConfig(document), {
      name: 'ConfigError',
      message: [
        'foo: unknown property',
        'cameras[1].url: must start with rtsp://, rtsps:// or demo:',
        'output.fps: must be <= 60',
      ].join('\n'),
    });
  });
});

describe('validateConfig never shows a password', () => {
  const password = 'Sup3r-S3cret';
  const leaks: Record<string, Record<string, unknown>> = {
    'in a url that breaks a rule': { 'cameras.0.url': `http://admin:${password}@192.0.2.1/x` },
    'in a url pasted as a name': { 'cameras.0.name': `rtsp://admin:${password}@192.0.2.1/x` },
    'in a url pasted as a layout camera': { 'layout.tiles.0.camera': `rtsp://admin:${password}@h` },
    'in a url pasted as a key': { [`rtsp://admin:${password}@h`]: 1 },
    'as a name echoed in a duplicate': {
      'cameras.2': { name: password, url: 'demo:x' },
      'cameras.3': { name: password, url: 'demo:y' },
    },
    'url-encoded, echoed decoded': {
      'cameras.1.url': 'rtsp://u:Sup3r%2DS3cret@h',
      'layout.tiles.0.camera': password,
    },
  };
  for (const [where, change] of Object.entries(leaks)) {
    it(where, () => {
      const document = exampleWith({
        'cameras.1.url': `rtsp://viewer:${password}@192.0.2.11/live`,
        ...change,
      });
      assert.throws(
        () => validateConfig(document),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError);
          assert.ok(!error.message.includes(password), error.message);
          assert.ok(!JSON.stringify(error.issues).includes(password), JSON.stringify(error.issues));
          return true;
        },
      );
    });
  }

  it('yet leaves our own words alone when a password is short', () => {
    const document = exampleWith({ 'cameras.0.url': 'rtsp://u:1@h/x', 'cameras.1.url': 'ftp://h' });
    assert.deepEqual(issuesOf(document), [
      { field: 'cameras[1].url', reason: 'must start with rtsp://, rtsps:// or demo:' },
    ]);
  });
});
