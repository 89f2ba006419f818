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
    // Issue 18: passwords in the query and in the path.
    ['rtsp://h/live?user=admin&password=s3cret', 'rtsp://h/live?user=admin&password=***'],
    ['rtsp://h/live?password=s3cret&channel=1', 'rtsp://h/live?password=***&channel=1'],
    ['rtsp://h/x?PWD=a#b?c/d@e&x=1', 'rtsp://h/x?PWD=***&x=1'],
    ['http://h/snap.cgi?usr=admin;pwd=s3cret', 'http://h/snap.cgi?usr=admin;pwd=***'],
    ['rtsp://h/x?pass=1&passwd=2&pw=3&psw=4', 'rtsp://h/x?pass=***&passwd=***&pw=***&psw=***'],
    ['rtsp://h/x?token=t&auth=a&secret=s', 'rtsp://h/x?token=***&auth=***&secret=***'],
    ['rtsp://h/x?key=k&api_key=k&apikey=k', 'rtsp://h/x?key=***&api_key=***&apikey=***'],
    ['rtsp://h/x?access_token=t&sig=s', 'rtsp://h/x?access_token=***&sig=***'],
    [
      'rtsp://192.0.2.7:554/user=admin_password=tl_Jw6_channel=1_stream=0.sdp',
      'rtsp://192.0.2.7:554/user=admin_password=***_channel=1_stream=0.sdp',
    ],
    [
      'rtsp://192.0.2.7:554/user=admin&password=s3cret&channel=1&stream=0.sdp?',
      'rtsp://192.0.2.7:554/user=admin&password=***&channel=1&stream=0.sdp?',
    ],
    ['rtsp://u:p@h/x?password=q', 'rtsp://u:***@h/x?password=***'],
    // Parameters that only look alike stay.
    ['rtsp://h/x?keyframe=1&passage=2&authority=3', 'rtsp://h/x?keyframe=1&passage=2&authority=3'],
    ['rtsp://h/cam/realmonitor?channel=1&subtype=0', 'rtsp://h/cam/realmonitor?channel=1&subtype=0'],
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

  it('gives the secret parameters too, long enough to mask everywhere', () => {
    assert.deepEqual(urlPasswords('rtsp://h/x?password=p%40ssword&channel=1'), ['p%40ssword', 'p@ssword']);
    assert.deepEqual(urlPasswords('rtsp://h/user=admin_password=tl_Jw6_channel=1'), ['tl_Jw6']);
    assert.deepEqual(urlPasswords('rtsp://u:pw1@h/x?token=abcd'), ['pw1', 'abcd']);
    assert.deepEqual(urlPasswords('rtsp://h/x?key=1'), [], 'a short value would garble every log line');
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
    {
      text: 'cannot open rtsp://h/x?password=hunter2&ch=1 (401)',
      expected: 'cannot open rtsp://h/x?password=***&ch=1 (401)',
    },
    {
      text: 'camera "rtsp://h/user=admin_password=hunter2_channel=1" failed',
      expected: 'camera "rtsp://h/user=admin_password=***_channel=1" failed',
    },
  ];
  for (const { text, secrets, expected } of cases) {
    it(text, () => assert.equal(redactText(text, secrets), expected));
  }
});
