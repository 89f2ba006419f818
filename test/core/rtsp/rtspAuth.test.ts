import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { ffmpegRgbFrames } from '../../fixtures/pixels';
import { quadrantColours } from '../../helpers/colourMosaic';
import { gstPull } from './gstClient';
import { RawRtspClient } from './rawRtspClient';
import { startRtspFixture, streamName, type RtspFixture } from './rtspFixture';

const username = 'nvr';
const password = 'S3cret-pa55word';
let fixture: RtspFixture | undefined;

before(async () => {
  fixture = await startRtspFixture({ username, password });
});

after(async () => {
  const stats = JSON.stringify(fixture?.server.stats());
  await fixture?.stop();
  assert.ok(!stats.includes(password), 'the password is not in stats');
  // Checked last: every test's requests, good and bad, have been logged by now.
  assert.ok(!fixture?.logLines.some((line) => line.includes(password)), 'the password is never logged');
});

function url(credentials?: string): string {
  const base = fixture?.base ?? '';
  return credentials ? base.replace('rtsp://', `rtsp://${credentials}@`) + streamName : base + streamName;
}

const grab = (input: string) =>
  ffmpegRgbFrames(['-rtsp_transport', 'tcp', '-i', input, '-frames:v', '3'], { timeoutMs: 15_000 });

test('without credentials DESCRIBE is a 401 with a Digest and a Basic challenge', async () => {
  const client = await RawRtspClient.connect(fixture?.server.port ?? 0);
  try {
    const options = await client.request('OPTIONS', url());
    assert.equal(options.status, 200, 'OPTIONS needs no credentials');
    const response = await client.request('DESCRIBE', url());
    assert.equal(response.status, 401);
    const challenges = response.headers.get('www-authenticate')?.split('\n') ?? [];
    assert.ok(
      challenges.some((c) => c.startsWith('Digest ') && c.includes('nonce="')),
      challenges.join(' | '),
    );
    assert.ok(
      challenges.some((c) => c.startsWith('Basic ')),
      challenges.join(' | '),
    );
  } finally {
    client.destroy();
  }
  await assert.rejects(grab(url()), /401|Unauthorized/, 'ffmpeg without credentials is refused');
  await assert.rejects(
    grab(url(`${username}:wrong`)),
    /401|Unauthorized/,
    'ffmpeg with a wrong password is refused',
  );
});

test('ffmpeg with credentials (Digest, which it picks when offered) plays the right colours', async () => {
  const frames = await grab(url(`${username}:${password}`));
  assert.equal(frames.length, 3);
  assert.deepEqual(quadrantColours(frames[2]), ['red', 'lime', 'blue', 'yellow']);
});

test("GStreamer's rtspsrc with user-id and user-pw plays", async () => {
  const frames = await gstPull(url(), { protocol: 'tcp', frames: 3, user: username, password });
  assert.equal(frames.length, 3);
});

test('a hand-made Basic client plays; a wrong Basic password or Digest response is a 401', async () => {
  const client = await RawRtspClient.connect(fixture?.server.port ?? 0);
  try {
    const basic = (user: string, pass: string) =>
      `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    assert.equal(
      (await client.request('DESCRIBE', url(), { Authorization: basic(username, 'nope') })).status,
      401,
    );
    const challenge = (await client.request('DESCRIBE', url())).headers.get('www-authenticate') ?? '';
    const nonce = /nonce="([^"]+)"/.exec(challenge)?.[1] ?? '';
    const md5 = (text: string) => createHash('md5').update(text).digest('hex');
    const digest = (pass: string) => {
      const response = md5(
        `${md5(`${username}:camera-mosaic:${pass}`)}:${nonce}:${md5(`DESCRIBE:${url()}`)}`,
      );
      return `Digest username="${username}", realm="camera-mosaic", nonce="${nonce}", uri="${url()}", response="${response}"`;
    };
    assert.equal((await client.request('DESCRIBE', url(), { Authorization: digest('nope') })).status, 401);
    assert.equal((await client.request('DESCRIBE', url(), { Authorization: digest(password) })).status, 200);
    const auth = { Authorization: basic(username, password) };
    const describe = await client.request('DESCRIBE', url(), auth);
    assert.equal(describe.status, 200);
    assert.match(describe.body, /sprop-parameter-sets=[A-Za-z0-9+/=]+,[A-Za-z0-9+/=]+/);
    const setup = await client.request('SETUP', `${url()}/trackID=0`, {
      ...auth,
      Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1',
    });
    assert.equal(setup.status, 200);
    const session = setup.headers.get('session')?.split(';')[0] ?? '';
    assert.equal((await client.request('PLAY', url(), { ...auth, Session: session })).status, 200);
    const deadline = Date.now() + 5000;
    while ((client.packets.get(0) ?? 0) < 20 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    assert.ok((client.packets.get(0) ?? 0) >= 20, `${client.packets.get(0) ?? 0} RTP packets on channel 0`);
  } finally {
    client.destroy();
  }
  assert.ok((fixture?.server.stats().rejected.unauthorized ?? 0) >= 4, 'refusals counted');
});
