import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { RTCPeerConnection } from 'werift';
import { Engine } from '../../src/core/engine';
import { ConfigError } from '../../src/core/errors';
import { validateConfig } from '../../src/core/config/validateConfig';
import { h264Codecs, iceOptionsForHost, viewerPeerConfig } from '../../src/core/webrtc/peerConfig';
import { waitFor } from '../helpers/wait';
import { WhepClient } from '../helpers/whepClient';
import { reportFigures, scaled } from './soakScale';
import { withoutDefaultStun } from '../../src/core/webrtc/noDefaultStun';

// Hostile input: generated and mutated WHEP offers, configs, layout bodies, methods, paths and
// headers. Every answer is a 4xx (or a success for what is valid), never a 5xx, a crash or a
// hang, and a steady viewer keeps receiving throughout.
const runs = scaled(150, 10000);
const token = 'fuzz-token-7d1c';
let engine: Engine;
let steady: WhepClient;
let validOffer = '';
const statuses = new Map<number, number>();

function count(status: number): void {
  statuses.set(status, (statuses.get(status) ?? 0) + 1);
}

before(async () => {
  engine = new Engine(
    {
      cameras: [{ name: 'a', url: 'demo:color?c=red&size=160x90&rate=25' }],
      output: { width: 320, height: 180, fps: 25, bitrate: 300000, gop: 25 },
      server: { token, maxViewers: 5 },
    },
    { port: 0, host: '127.0.0.1', logSink: () => undefined },
  );
  await engine.start();
  steady = await WhepClient.connect(`${engine.url}/whep`, { token, keepUnits: false });
  const pc = new RTCPeerConnection({
    ...viewerPeerConfig(iceOptionsForHost('127.0.0.1', [])),
    codecs: { video: h264Codecs() },
  });
  pc.addTransceiver('video', { direction: 'recvonly' });
  withoutDefaultStun(pc);
  await pc.setLocalDescription(await pc.createOffer());
  validOffer = pc.localDescription?.sdp ?? '';
  await pc.close();
});

after(async () => {
  await steady?.close();
  await engine?.close();
});

async function request(
  method: string,
  path: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<number> {
  const response = await fetch(`${engine.url}${path}`, {
    method,
    body,
    headers,
    signal: AbortSignal.timeout(10000),
  });
  await response.arrayBuffer();
  count(response.status);
  // A valid offer makes a session: end it, so the viewer limit is not what answers the next one.
  if (response.status === 201) {
    const location = response.headers.get('location');
    if (location)
      await fetch(`${engine.url}${location}`, {
        method: 'DELETE',
        headers: { Authorization: `Bearer ${token}` },
      });
  }
  return response.status;
}

/** An offer with lines dropped, duplicated, reordered, replaced by junk or grown huge. */
const mutatedOffer = fc
  .array(
    fc.oneof(
      fc.record({ kind: fc.constant('drop'), at: fc.nat() }),
      fc.record({ kind: fc.constant('duplicate'), at: fc.nat() }),
      fc.record({ kind: fc.constant('swap'), at: fc.nat(), with: fc.nat() }),
      fc.record({ kind: fc.constant('junk'), at: fc.nat(), text: fc.string({ maxLength: 200 }) }),
      fc.record({ kind: fc.constant('huge'), at: fc.nat(), size: fc.integer({ min: 1000, max: 60000 }) }),
      fc.record({
        kind: fc.constant('number'),
        at: fc.nat(),
        value: fc.oneof(fc.integer(), fc.double().map(String), fc.constant('99999999999999999999')),
      }),
      fc.record({ kind: fc.constant('codec'), to: fc.constantFrom('VP8', 'AV1', 'opus', '', 'H265') }),
      fc.record({ kind: fc.constant('nomedia') }),
    ),
    { minLength: 1, maxLength: 6 },
  )
  .map((mutations) => {
    let lines = validOffer.split('\r\n');
    for (const m of mutations) {
      const at = 'at' in m ? m.at % Math.max(1, lines.length) : 0;
      if (m.kind === 'drop') lines.splice(at, 1);
      else if (m.kind === 'duplicate') lines.splice(at, 0, lines[at] ?? '');
      else if (m.kind === 'swap')
        [lines[at], lines[m.with % lines.length]] = [lines[m.with % lines.length], lines[at]];
      else if (m.kind === 'junk') lines[at] = m.text;
      else if (m.kind === 'huge') lines[at] = `a=x-${'9'.repeat(m.size)}`;
      else if (m.kind === 'number') lines[at] = (lines[at] ?? '').replace(/\d+/, String(m.value));
      else if (m.kind === 'codec') lines = lines.map((l) => l.replace(/H264/g, m.to));
      else lines = lines.filter((l) => !l.startsWith('m=video'));
    }
    return lines.join('\r\n');
  });

const auth = { Authorization: `Bearer ${token}` };

test(`${runs} mutated WHEP offers: 201 or 4xx, never a 5xx; the steady viewer keeps playing`, async () => {
  const framesBefore = steady.counters.frames;
  await fc.assert(
    fc.asyncProperty(mutatedOffer, async (offer) => {
      const status = await request('POST', '/whep', offer, { 'Content-Type': 'application/sdp', ...auth });
      return status === 201 || (status >= 400 && status < 500);
    }),
    { numRuns: runs },
  );
  await waitFor(
    'the steady viewer to keep receiving',
    () => steady.counters.frames > framesBefore + 10,
    5000,
  );
});

test(`${runs} generated configs: valid, or a ConfigError naming fields — nothing else`, () => {
  const cameraLike = fc.record(
    {
      name: fc.oneof(fc.string(), fc.constantFrom('a', 'cam-1')),
      url: fc.oneof(fc.string(), fc.constantFrom('rtsp://x/y', 'demo:testsrc2')),
      transport: fc.anything(),
    },
    { requiredKeys: [] },
  );
  const config = fc.oneof(
    fc.anything(),
    fc.record(
      {
        cameras: fc.oneof(fc.array(cameraLike, { maxLength: 4 }), fc.anything()),
        output: fc.anything(),
        layout: fc.anything(),
        server: fc.anything(),
        outputs: fc.anything(),
        staleTimeoutMs: fc.anything(),
      },
      { requiredKeys: [] },
    ),
  );
  fc.assert(
    fc.property(config, (document) => {
      try {
        validateConfig(document);
        return true;
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        return error.issues.length > 0 && error.message.split('\n').every((line) => line.length > 0);
      }
    }),
    { numRuns: runs },
  );
});

test(`${runs} PUT /api/layout bodies: 200 or 4xx with a reason, never a 5xx`, async () => {
  const layout = fc.oneof(
    fc.json(),
    fc.string(),
    fc
      .record(
        {
          preset: fc.oneof(fc.constantFrom('grid', 'focus', 'classic4', '1+N'), fc.string()),
          cameras: fc.anything(),
          camera: fc.anything(),
          rows: fc.anything(),
          columns: fc.anything(),
        },
        { requiredKeys: [] },
      )
      .map((v) => JSON.stringify(v)),
    fc
      .record({
        tiles: fc.array(
          fc.record(
            {
              camera: fc.constantFrom('a', 'b'),
              x: fc.integer(),
              y: fc.integer(),
              width: fc.integer(),
              height: fc.integer(),
            },
            { requiredKeys: [] },
          ),
        ),
      })
      .map((v) => JSON.stringify(v)),
  );
  await fc.assert(
    fc.asyncProperty(layout, async (body) => {
      const status = await request('PUT', '/api/layout', body, {
        'Content-Type': 'application/json',
        ...auth,
      });
      return status === 200 || (status >= 400 && status < 500);
    }),
    { numRuns: runs },
  );
});

test(`${runs} random methods, paths and headers: never a 5xx`, async () => {
  const method = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD');
  const path = fc
    .oneof(
      fc.constantFrom(
        '/',
        '/whep',
        '/whep/x',
        '/stats',
        '/metrics',
        '/snapshot.jpg',
        '/api/layout',
        '/player.js',
      ),
      fc.webPath(),
      fc.string({ maxLength: 100 }).map((s) => `/${encodeURIComponent(s)}`),
    )
    .map((p) => (p.startsWith('/') ? p : `/${p}`));
  const headers = fc.dictionary(
    fc.constantFrom('Authorization', 'Content-Type', 'Content-Length', 'Accept', 'X-Junk'),
    fc.oneof(
      fc.constantFrom(`Bearer ${token}`, 'Bearer nope', 'application/sdp', 'application/json'),
      fc.stringMatching(/^[\x20-\x7e]{0,50}$/),
    ),
  );
  await fc.assert(
    fc.asyncProperty(method, path, headers, async (m, p, h) => {
      delete h['Content-Length']; // fetch sets it; a wrong one is the HTTP parser's, tested elsewhere
      const status = await request(m, p, m === 'GET' || m === 'HEAD' ? undefined : 'x', h).catch(() => 0);
      return status >= 200 && status < 500;
    }),
    { numRuns: runs },
  );
  assert.equal(engine.stats().running, true);
  reportFigures('fuzz', {
    casesPerProperty: runs,
    answersByStatus: Object.fromEntries([...statuses].sort(([a], [b]) => a - b)),
  });
});
