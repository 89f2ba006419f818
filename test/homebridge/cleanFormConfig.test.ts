import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PlatformConfig } from 'homebridge';
import { validateConfig } from '../../src/core/config';
import { ConfigError } from '../../src/core/errors';
import { cleanFormConfig } from '../../src/homebridge/cleanFormConfig';
import { splitPlatformConfig } from '../../src/homebridge/platformConfig';

/**
 * What the Homebridge UI form leaves in a platform block, removed before validation: configs
 * saved by older versions of the form keep working, and what a user typed is kept and judged.
 */
const door = { name: 'door', url: 'rtsp://127.0.0.1:8554/cam' };

/** What config.schema.json before issue 17 made homebridge-config-ui-x 5.10 save for one camera. */
const tile = { rotateMs: 10000, stream: 'auto', label: false, clock: false, fit: 'stretch' };
const oldLayout = { fit: 'stretch', holdMs: 10000, quietMs: 30000, tiles: [tile] };
const oldLabels = { names: false, clock: false, position: 'bottom-left' };
const oldOutput = {
  width: 1920,
  height: 1080,
  fps: 25,
  bitrate: 4000000,
  gop: 50,
  preset: 'ultrafast',
  profile: 'baseline',
};
const oldOutputs = [{ transport: 'tcp', payloadType: 96 }];
const oldFormBlock = {
  platform: 'CameraMosaic',
  name: 'Camera Mosaic',
  cameras: [{ ...door, motion: { enabled: true, sensitivity: 50 }, transport: 'tcp' }],
  layout: oldLayout,
  labels: oldLabels,
  output: oldOutput,
  staleTimeoutMs: 10000,
  mainStreamIdleMs: 10000,
  outputs: oldOutputs,
  mosaics: [{ layout: oldLayout, labels: oldLabels, output: oldOutput, outputs: oldOutputs }],
};

function validated(block: Record<string, unknown>) {
  return validateConfig(splitPlatformConfig({ platform: 'CameraMosaic', ...block } as PlatformConfig).mosaic);
}

describe('cleanFormConfig', () => {
  test("the old form's one-camera save: valid, one grid mosaic, and says what it ignored", () => {
    const { mosaic, ignored } = splitPlatformConfig(oldFormBlock as PlatformConfig);
    const config = validateConfig(mosaic);
    assert.equal(config.mosaics, undefined);
    assert.equal(config.layout, undefined, 'a grid of all cameras');
    assert.deepEqual(config.outputs, []);
    assert.equal(config.output.width, 1920);
    for (const path of ['layout.tiles[0]', 'layout.fit', 'layout.holdMs', 'outputs[0]', 'mosaics[0]']) {
      assert.ok(ignored.includes(path), `${path} in ${ignored.join(', ')}`);
    }
  });

  test('the old form with classic4 chosen keeps the preset and its cameras, drops the rest', () => {
    const layout = { ...oldLayout, preset: 'classic4', cameras: ['door', 'door', '', 'door', 'door'] };
    const config = validated({ ...oldFormBlock, layout, mosaics: [] });
    assert.deepEqual(config.layout, {
      preset: 'classic4',
      cameras: ['door', 'door', 'door', 'door'],
      fit: 'stretch',
    });
  });

  const kept: [string, Record<string, unknown>, Record<string, unknown>][] = [
    [
      'a focus layout drops the grid rows a user typed before switching preset',
      { layout: { preset: 'focus', camera: 'door', rows: 2, columns: 2 } },
      { layout: { preset: 'focus', camera: 'door' } },
    ],
    [
      'explicit tiles keep what was typed, not the empty tile',
      { layout: { tiles: [{ camera: 'door', x: 0, y: 0, width: 640, height: 360 }, { label: false }] } },
      { layout: { tiles: [{ camera: 'door', x: 0, y: 0, width: 640, height: 360 }] } },
    ],
    [
      'a media server entry with a type stays',
      { outputs: [{ type: 'rtp', host: '10.0.0.5', port: 5004, transport: 'tcp' }, { payloadType: 96 }] },
      { outputs: [{ type: 'rtp', host: '10.0.0.5', port: 5004, transport: 'tcp' }] },
    ],
    [
      'cleared text fields are left out',
      { cameras: [{ ...door, subUrl: '', title: null }], server: { corsOrigins: [''] } },
      { cameras: [door] },
    ],
  ];
  for (const [label, block, expected] of kept) {
    test(label, () => {
      const { document } = cleanFormConfig({ cameras: [door], ...block });
      assert.deepEqual(document, { cameras: [door], ...expected });
    });
  }

  // What the user did type stays for the core schema to judge, with the field named.
  const judged: [string, Record<string, unknown>, string][] = [
    ['a nameless mosaic with a layout', { mosaics: [{ layout: { preset: 'grid' } }] }, 'mosaics[0].name'],
    ['a media server with a host but no type', { outputs: [{ host: '10.0.0.5' }] }, 'outputs[0].type'],
    [
      'a tile with a camera but no rectangle',
      { layout: { tiles: [{ camera: 'door' }] } },
      'layout.tiles[0].x',
    ],
    ['an unknown preset', { layout: { preset: 'mosaic', fit: 'cover' } }, 'layout.preset'],
    ['an unknown key', { cameras: [door], colour: 'red' }, 'colour'],
    ['a real output beside mosaics', { output: { width: 640 }, mosaics: [{ name: 'a' }] }, 'output'],
  ];
  for (const [label, block, field] of judged) {
    test(`kept for the schema to refuse: ${label}`, () => {
      assert.throws(
        () => validated({ cameras: [door], ...block }),
        (error: unknown) => error instanceof ConfigError && error.issues.some((i) => i.field === field),
      );
    });
  }

  test('a camera entry the form showed but nobody filled is dropped', () => {
    const { document } = cleanFormConfig({
      cameras: [door, { motion: { enabled: true }, transport: 'tcp' }],
    });
    assert.deepEqual(document, { cameras: [door] });
  });
});
