import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redactText, redactUrl, urlPasswords } from '../../src/core/redact';

describe('redactUrl', () => {
  const cases: [string, string][] = [
    ['rtsp://user:pass@192.0.2.10:554/live/left', 'rtsp://user:***@192.0.2.10:554/live/left'],
    ['rtsps://admin:s3cret@cam.local/stream', 'rtsps://admin:***@cam.local/stream'],
    ['rtsp://user:p%40ss%3Aw0rd@host/x', 'rtsp://user:***@host/x'],
    ['rtsp://user:p@ss@host:554/x', 'rtsp://user:***@host:554/x'],
    ['rtsp://user:a#b?c/d@host/x', 'rtsp://user:***@host/x'],
    ['rtsp://user:pa:ss@host', 'rtsp://user:***@host'],
    ['rtsp://me@example.com:pw@host/x', 'rtsp://me@example.com:***@host/x'],
    ['rtsp://user:@host/x', 'rtsp://user:***@host/x'],
    // Nothing to hide: left exactly as written.
    ['rtsp://user@host:554/x', 'rtsp://user@host:554/x'],
    ['rtsp://192.0.2.10:554/live', 'rtsp://192.0.2.10:554/live'],
    ['demo:testsrc2?size=640x360&rate=25', 'demo:testsrc2?size=640x360&rate=25'],
    ['', ''],
    ['not a url at all', 'not a url at all'],
    ['rtsp://', 'rtsp://'],
    ['://user:pass@', '://user:***@'],
    ['rtsp://host/a:b/c', 'rtsp://host/a:b/c'],
  ];
  for (const [url, expected] of cases) {
    it(JSON.stringify(url), () => assert.equal(redactUrl(url), expected));
  }
});

describe('urlPasswords', () => {
  it('gives the password as written and decoded', () => {
    assert.deepEqual(urlPasswords('rtsp://u:p%40ss@h/x'), ['p%40ss', 'p@ss']);
    assert.deepEqual(urlPasswords('rtsp://u:p@ss@h/x'), ['p@ss']);
    assert.deepEqual(urlPasswords('rtsp://u:100%@h/x'), ['100%'], 'a bad escape is kept as written');
  });

  it('is empty without a password', () => {
    for (const url of ['rtsp://u@h/x', 'rtsp://h/x', 'rtsp://u:@h', 'demo:testsrc', 'garbage']) {
      assert.deepEqual(urlPasswords(url), [], url);
    }
  });
});

describe('redactText', () => {
  const cases: { text: string; secrets?: string[]; expected: string }[] = [
    {
      text: 'cannot open rtsp://admin:hunter2@10.0.0.5/h264 (timeout)',
      expected: 'cannot open rtsp://admin:***@10.0.0.5/h264 (timeout)',
    },
    {
      text: 'a rtsp://u:p1@h1/x and RTSPS://v:p@2@h2:322/y',
      expected: 'a rtsp://u:***@h1/x and RTSPS://v:***@h2:322/y',
    },
    { text: 'camera "http://u:pw@h" failed', expected: 'camera "http://u:***@h" failed' },
    { text: 'rtsp://u@h:554/x is fine', expected: 'rtsp://u@h:554/x is fine' },
    { text: 'token abc123 used', secrets: ['abc123'], expected: 'token *** used' },
    { text: 'p@ss and p%40ss', secrets: ['p%40ss', 'p@ss'], expected: '*** and ***' },
    { text: 'longer secret-two', secrets: ['secret', 'secret-two'], expected: 'longer ***' },
    { text: 'nothing here', secrets: [''], expected: 'nothing here' },
  ];
  for (const { text, secrets, expected } of cases) {
    it(text, () => assert.equal(redactText(text, secrets), expected));
  }
});
