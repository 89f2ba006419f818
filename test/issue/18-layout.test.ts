import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Engine } from '../../src/core/engine';
import { colourMosaicConfig } from '../helpers/colourMosaic';

// Issue 18, item 8: `PUT /api/layout` with `rotateMs: 100000000` was a 500, and GET then reported
// the refused layout while the picture still showed the old one.
let engine: Engine;

before(async () => {
  engine = new Engine(colourMosaicConfig(320, 180), { port: 0, host: '127.0.0.1', logSink: () => undefined });
  await engine.start();
});

after(async () => {
  await engine?.close();
});

interface LayoutAnswer {
  tiles: { rotateMs?: number }[];
  issues: { field: string }[];
}

async function layout(
  method: 'GET' | 'PUT',
  body?: unknown,
): Promise<{ status: number; json: LayoutAnswer }> {
  const response = await fetch(`${engine.url}/api/layout`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as LayoutAnswer };
}

const timeshare = (extra: Record<string, number>) => ({
  tiles: [{ cameras: ['red', 'lime'], x: 0, y: 0, width: 320, height: 180, ...extra }],
});

test('an out-of-range number is a 400 naming the field, and the layout stays as it was', async () => {
  const before = await layout('GET');
  assert.equal(before.status, 200);
  const cases: [Record<string, number>, string][] = [
    [{ rotateMs: 100_000_000 }, 'layout.tiles[0].rotateMs'],
    [{ rotateMs: 86_400_001 }, 'layout.tiles[0].rotateMs'],
    [{ x: 20_000 }, 'layout.tiles[0].x'],
    [{ width: 20_000 }, 'layout.tiles[0].width'],
  ];
  for (const [extra, field] of cases) {
    const put = await layout('PUT', timeshare(extra));
    assert.equal(put.status, 400, JSON.stringify(put.json));
    assert.ok(
      put.json.issues.some((i) => i.field === field),
      `${field}: ${JSON.stringify(put.json)}`,
    );
    assert.deepEqual((await layout('GET')).json, before.json, 'GET shows the layout still on screen');
    assert.deepEqual(engine.stitcher.tiles, before.json.tiles);
  }
});

test('the largest rotateMs the compositor takes is accepted', async () => {
  const put = await layout('PUT', timeshare({ rotateMs: 86_400_000 }));
  assert.equal(put.status, 200, JSON.stringify(put.json));
  assert.equal((await layout('GET')).json.tiles[0].rotateMs, 86_400_000);
});
