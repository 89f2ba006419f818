/**
 * Issue 17 item 9: mistakes a user makes in a config file, each refused with a reason that says
 * what to change: URLs FFmpeg would refuse later as `Invalid argument`, mistyped keys, JSON syntax.
 * Runs on the validators precompiled by the build, as a user's process does.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { closestName } from '../../../src/core/config/closestName';
import { parseConfigJson } from '../../../src/core/config/parseConfigJson';
import { cameraSchemes, streamUrlProblem } from '../../../src/core/config/streamUrl';
import { validateConfig } from '../../../src/core/config/validateConfig';
import { ConfigError, type ConfigIssue } from '../../../src/core/errors';

function issuesOf(document: unknown): readonly ConfigIssue[] {
  try {
    validateConfig(document);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `not a ConfigError: ${String(error)}`);
    return error.issues;
  }
  return [];
}

const withCamera = (camera: Record<string, unknown>) => ({ cameras: [{ name: 'a', ...camera }] });

describe('camera and publish URLs', () => {
  const refused: [string, Record<string, unknown>, ConfigIssue][] = [
    [
      'a port above 65535',
      withCamera({ url: 'rtsp://cam:99999/live' }),
      { field: 'cameras[0].url', reason: 'port 99999 must be from 1 to 65535' },
    ],
    [
      'port 0',
      withCamera({ url: 'rtsp://cam:0/live' }),
      { field: 'cameras[0].url', reason: 'port 0 must be from 1 to 65535' },
    ],
    [
      'a port that is not a number',
      withCamera({ url: 'rtsp://cam:rtsp/live' }),
      { field: 'cameras[0].url', reason: 'port "rtsp" must be from 1 to 65535' },
    ],
    [
      'no host at all',
      withCamera({ url: 'rtsp://' }),
      { field: 'cameras[0].url', reason: 'has no host (rtsp://host[:port]/path)' },
    ],
    [
      'a port but no host',
      withCamera({ url: 'rtsps://:322/live' }),
      { field: 'cameras[0].url', reason: 'has no host (rtsps://host[:port]/path)' },
    ],
    [
      'a space in the host',
      withCamera({ url: 'rtsp://front door/live' }),
      { field: 'cameras[0].url', reason: 'is not a valid URL' },
    ],
    [
      'another scheme',
      withCamera({ url: 'http://cam/live' }),
      { field: 'cameras[0].url', reason: 'must start with rtsp://, rtsps:// or demo:' },
    ],
    [
      'a bad substream',
      withCamera({ url: 'demo:testsrc2', subUrl: 'rtsp://cam:70000/sub' }),
      { field: 'cameras[0].subUrl', reason: 'port 70000 must be from 1 to 65535' },
    ],
    [
      'demo: with no source',
      withCamera({ url: 'demo:' }),
      { field: 'cameras[0].url', reason: 'needs a source after demo:, e.g. demo:testsrc2' },
    ],
    [
      'a publish URL with no host',
      {
        ...withCamera({ url: 'demo:testsrc2' }),
        outputs: [{ name: 'm', type: 'rtsp', url: 'rtsp:///mosaic' }],
      },
      { field: 'outputs[0].url', reason: 'has no host (rtsp://host[:port]/path)' },
    ],
  ];
  for (const [what, document, issue] of refused) {
    it(`refuses ${what}`, () => {
      assert.deepEqual(issuesOf(document), [issue]);
    });
  }

  const accepted = [
    'rtsp://cam.local/live',
    'rtsp://admin:p%40ss@192.0.2.10:554/Streaming/Channels/101',
    'rtsps://[2001:db8::1]:322/live',
    'demo:testsrc2?size=640x360&rate=25',
    // A host that does not resolve is the camera's state at run time (DNS may answer later).
    'rtsp://no-such-camera.invalid/live',
  ];
  for (const url of accepted) {
    it(`accepts ${url}`, () => {
      assert.deepEqual(issuesOf(withCamera({ url })), []);
      assert.equal(streamUrlProblem(url, cameraSchemes), undefined);
    });
  }
});

describe('unknown keys', () => {
  const rows: [string, Record<string, unknown>, ConfigIssue][] = [
    ['camras', { camras: [] }, { field: 'camras', reason: 'unknown property; did you mean `cameras`?' }],
    [
      'a swapped pair of letters',
      { cameras: [{ name: 'a', url: 'demo:testsrc2', trasnport: 'udp' }] },
      { field: 'cameras[0].trasnport', reason: 'unknown property; did you mean `transport`?' },
    ],
    [
      'in a layout branch',
      { ...withCamera({ url: 'demo:testsrc2' }), layout: { preset: 'grid', colums: 2 } },
      { field: 'layout.colums', reason: 'unknown property; did you mean `columns`?' },
    ],
    [
      'nothing close',
      { ...withCamera({ url: 'demo:testsrc2' }), foo: 1 },
      { field: 'foo', reason: 'unknown property' },
    ],
  ];
  for (const [what, document, issue] of rows) {
    it(what, () => {
      assert.ok(
        issuesOf(document).some((i) => i.field === issue.field && i.reason === issue.reason),
        JSON.stringify(issuesOf(document)),
      );
    });
  }

  it('closestName guesses only when close', () => {
    assert.equal(closestName('camras', ['cameras', 'output', 'layout']), 'cameras');
    assert.equal(closestName('conifg', ['config', 'demo', 'port']), 'config');
    assert.equal(closestName('foo', ['cameras', 'output']), undefined);
    assert.equal(closestName('x', ['fps', 'gop']), undefined);
  });
});

describe('JSON syntax errors name the line and column', () => {
  const rows: [string, string, string][] = [
    [
      'a trailing comma',
      '{\n  "cameras": [\n    {"name": "a",}\n  ]\n}',
      'mosaic.json: invalid JSON at line 3, column 18: Expected double-quoted property name',
    ],
    [
      'a missing comma',
      '{\n  "cameras": []\n  "output": {}\n}',
      "mosaic.json: invalid JSON at line 3, column 3: Expected ',' or '}' after property value",
    ],
    [
      'a misspelt literal (V8 gives no position)',
      '{\n  "labels": {"names": tru}\n}',
      'mosaic.json: invalid JSON at line 2, column 26: Unexpected token }',
    ],
    ['an empty file', '', 'mosaic.json: invalid JSON at line 1, column 1: Unexpected end of JSON input'],
    [
      'a cut-off file',
      '{\n  "cameras": [\n',
      'mosaic.json: invalid JSON at line 3, column 1: Unexpected end of JSON input',
    ],
  ];
  for (const [what, text, message] of rows) {
    it(what, () => {
      assert.throws(
        () => parseConfigJson(text, 'mosaic.json'),
        (error: unknown) => error instanceof ConfigError && error.message === message,
        (() => {
          try {
            parseConfigJson(text, 'mosaic.json');
          } catch (error) {
            return String(error);
          }
          return 'no error';
        })(),
      );
    });
  }

  it('valid JSON parses as JSON.parse does', () => {
    assert.deepEqual(parseConfigJson('{"a": [1, "x"]}', 'm.json'), { a: [1, 'x'] });
  });
});
