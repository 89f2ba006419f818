import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { PlatformConfig } from 'homebridge';
import {
  cameraSchema,
  mosaicConfigSchema,
  outputSchema,
  presetNames,
  validateConfig,
} from '../../src/core/config';
import { labelsSchema } from '../../src/core/config/labelsSchema';
import { autoLayoutSchema } from '../../src/core/config/layoutSchema';
import { mosaicSchema } from '../../src/core/config/mosaicSchema';
import { motionSchema } from '../../src/core/config/motionSchema';
import { publishSchema } from '../../src/core/config/publishSchema';
import { ConfigError } from '../../src/core/errors';
import { splitPlatformConfig } from '../../src/homebridge/platformConfig';
import { PLATFORM_NAME } from '../../src/homebridge/settings';
import { buildUiSchema } from '../../src/homebridge/uiSchema';
import { repoRoot } from '../helpers/homebridgeRunner';

/**
 * config.schema.json (what the Homebridge UI draws) must agree with the ajv schemas the runtime
 * validates with: same fields, limits, defaults and required flags, and every config the form
 * can produce for a sensible user passes validation.
 */
type UiField = Record<string, unknown> & { properties?: Record<string, UiField>; items?: UiField };

const file = JSON.parse(readFileSync(join(repoRoot, 'config.schema.json'), 'utf8')) as {
  pluginAlias: string;
  pluginType: string;
  singular: boolean;
  schema: UiField;
  layout: unknown[];
};
const form = file.schema.properties as Record<string, UiField>;

const constraintKeywords = [
  'type',
  'enum',
  'default',
  'minimum',
  'maximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'pattern',
  'minItems',
  'maxItems',
];

function constraintsOf(schema: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const keyword of constraintKeywords)
    if (schema[keyword] !== undefined) result[keyword] = schema[keyword];
  if (result.enum !== undefined && result.type === undefined) result.type = 'string';
  return result;
}

function assertSameFields(
  uiProperties: Record<string, UiField>,
  core: { properties: Record<string, unknown>; required?: readonly string[] },
  where: string,
): void {
  assert.deepEqual(
    Object.keys(uiProperties).sort(),
    Object.keys(core.properties).sort(),
    `${where}: same fields`,
  );
  for (const [key, coreField] of Object.entries(core.properties)) {
    const ui = uiProperties[key];
    assert.deepEqual(
      constraintsOf(ui),
      constraintsOf(coreField as Record<string, unknown>),
      `${where}.${key}`,
    );
    assert.equal(ui.required === true, (core.required ?? []).includes(key), `${where}.${key}: required flag`);
  }
}

function mosaicOf(platform: Record<string, unknown>) {
  return validateConfig(
    splitPlatformConfig({ platform: PLATFORM_NAME, ...platform } as PlatformConfig).mosaic,
  );
}

const cameras = [
  { name: 'left', url: 'rtsp://user:pw@192.168.1.10/stream1', transport: 'tcp' },
  { name: 'top', url: 'rtsps://192.168.1.11/live' },
  { name: 'bottom', url: 'demo:testsrc2?size=640x360&rate=25' },
  { name: 'right', url: 'rtsp://192.168.1.13/h264', transport: 'udp' },
];

describe('config.schema.json', () => {
  test('is what buildUiSchema() derives from the core schemas (regenerate it when this fails)', () => {
    assert.deepEqual(file, JSON.parse(JSON.stringify(buildUiSchema())));
  });

  test('names the platform the plugin registers', () => {
    assert.equal(file.pluginAlias, PLATFORM_NAME);
    assert.equal(file.pluginType, 'platform');
    assert.equal(file.singular, true);
  });

  test('offers the core config fields, except the HTTP server Homebridge does not run', () => {
    const coreKeys = Object.keys(mosaicConfigSchema.properties).filter((k) => k !== 'server');
    assert.deepEqual(Object.keys(form).sort(), ['name', ...coreKeys].sort());
    assert.equal(form.cameras.required, true);
  });

  test('cameras, output and outputs carry the core limits, defaults and required flags', () => {
    assertSameFields(form.cameras.items?.properties ?? {}, cameraSchema, 'cameras[]');
    assertSameFields(form.output.properties ?? {}, outputSchema, 'output');
    assertSameFields(form.outputs.items?.properties ?? {}, publishSchema, 'outputs[]');
    assert.deepEqual(constraintsOf(form.outputs), constraintsOf(mosaicConfigSchema.properties.outputs));
    assert.deepEqual(
      constraintsOf(form.staleTimeoutMs),
      constraintsOf(mosaicConfigSchema.properties.staleTimeoutMs),
    );
  });

  test('layout offers every preset', () => {
    assert.deepEqual(form.layout.properties?.preset.enum, [...presetNames]);
    for (const key of ['holdMs', 'quietMs'] as const) {
      assert.deepEqual(
        constraintsOf(form.layout.properties?.[key] ?? {}),
        constraintsOf(autoLayoutSchema.properties[key]),
      );
    }
  });

  test("a camera's motion, the labels and each of mosaics carry the core limits and defaults", () => {
    const camera = form.cameras.items?.properties ?? {};
    assertSameFields(camera.motion.properties ?? {}, motionSchema, 'cameras[].motion');
    assertSameFields(
      camera.motion.properties?.masks.items?.properties ?? {},
      motionSchema.properties.masks.items,
      'cameras[].motion.masks[]',
    );
    assertSameFields(form.labels.properties ?? {}, labelsSchema, 'labels');
    assert.deepEqual(constraintsOf(form.mosaics), constraintsOf(mosaicConfigSchema.properties.mosaics));
    const mosaic = form.mosaics.items?.properties ?? {};
    assert.deepEqual(Object.keys(mosaic).sort(), Object.keys(mosaicSchema.properties).sort());
    assertSameFields(
      { name: mosaic.name },
      { properties: { name: mosaicSchema.properties.name }, required: ['name'] },
      'mosaics[]',
    );
    assertSameFields(mosaic.output.properties ?? {}, outputSchema, 'mosaics[].output');
    assertSameFields(mosaic.labels.properties ?? {}, labelsSchema, 'mosaics[].labels');
    assertSameFields(mosaic.outputs.items?.properties ?? {}, publishSchema, 'mosaics[].outputs[]');
    assert.deepEqual(mosaic.layout, form.layout, 'the same layout fields as the top level');
  });

  test('the form defaults are the runtime defaults', () => {
    const defaults = Object.fromEntries(
      Object.entries(form.output.properties ?? {}).map(([key, field]) => [key, field.default]),
    );
    assert.deepEqual(mosaicOf({ cameras }).output, defaults);
    assert.equal(mosaicOf({ cameras }).staleTimeoutMs, form.staleTimeoutMs.default);
  });

  const accepted: [string, Record<string, unknown>][] = [
    ['just cameras (a grid of all)', { name: 'Camera Mosaic', cameras }],
    ['classic4', { cameras, layout: { preset: 'classic4', cameras: ['left', 'top', 'bottom', 'right'] } }],
    ['grid 2x2 with fit', { cameras, layout: { preset: 'grid', rows: 2, columns: 2, fit: 'contain' } }],
    ['focus', { cameras, layout: { preset: 'focus', camera: 'top' } }],
    ['1+N', { cameras, layout: { preset: '1+N', cameras: ['left', 'top', 'right'] } }],
    [
      'explicit tiles',
      {
        cameras,
        layout: { tiles: [{ camera: 'left', x: 0, y: 0, width: 960, height: 1080, fit: 'cover' }] },
      },
    ],
    [
      'every output field',
      {
        cameras,
        output: {
          width: 1280,
          height: 720,
          fps: 15,
          bitrate: 1_000_000,
          gop: 30,
          preset: 'veryfast',
          profile: 'main',
        },
      },
    ],
    [
      'publishing to a media server',
      { cameras, outputs: [{ name: 'mediamtx', type: 'rtsp', url: 'rtsp://pub:pw@10.0.0.5:8554/mosaic' }] },
    ],
    ['as a child bridge', { cameras, _bridge: { username: '0E:11:22:33:44:55', port: 51000 } }],
    [
      'substream, label text and motion',
      {
        cameras: [
          {
            name: 'door',
            url: 'rtsp://u:p@10.0.0.9/main',
            subUrl: 'rtsp://u:p@10.0.0.9/sub',
            title: 'Front door',
            motion: { enabled: true, sensitivity: 70, masks: [{ x: 0, y: 0, width: 0.3, height: 0.1 }] },
          },
          ...cameras.slice(1),
        ],
        labels: { names: true, clock: true, position: 'top-right' },
      },
    ],
    [
      'auto layout',
      {
        cameras,
        layout: { preset: 'auto', cameras: ['left', 'top', 'right'], holdMs: 5000, quietMs: 20000 },
      },
    ],
    [
      'two mosaics',
      {
        cameras,
        mosaics: [
          { name: 'kitchen', layout: { preset: 'grid' }, labels: { names: true } },
          {
            name: 'hall',
            output: { width: 1920, height: 1080 },
            layout: { preset: 'focus', camera: 'left' },
            outputs: [{ type: 'rtp', host: '10.0.0.5', port: 5004 }],
          },
        ],
      },
    ],
    [
      'two mosaics beside the defaults the form writes by itself',
      {
        cameras,
        output: { width: 1920, height: 1080, fps: 25 },
        labels: { names: false },
        layout: {},
        outputs: [],
        mosaics: [{ name: 'kitchen' }, { name: 'hall' }],
      },
    ],
  ];
  for (const [label, platform] of accepted) {
    test(`a form config is valid at run time: ${label}`, () => {
      assert.doesNotThrow(() => mosaicOf(platform));
    });
  }

  const rejected: [string, Record<string, unknown>, string][] = [
    ['no cameras', { name: 'x' }, 'cameras'],
    ['a non-RTSP url', { cameras: [{ name: 'a', url: 'http://cam/x' }] }, 'cameras[0].url'],
    ['an odd width', { cameras, output: { width: 641 } }, 'output.width'],
    ['a key the form does not have', { cameras, colour: 'red' }, 'colour'],
    [
      'a real top-level output beside mosaics',
      { cameras, output: { width: 640 }, mosaics: [{ name: 'kitchen' }] },
      'output',
    ],
    ['a mosaic name with capitals', { cameras, mosaics: [{ name: 'Kitchen' }] }, 'mosaics[0].name'],
    [
      'a sensitivity over 100',
      { cameras: [{ ...cameras[0], motion: { sensitivity: 101 } }] },
      'cameras[0].motion.sensitivity',
    ],
  ];
  for (const [label, platform, field] of rejected) {
    test(`the runtime rejects what the form would flag: ${label}`, () => {
      assert.throws(
        () => mosaicOf(platform),
        (error: unknown) => error instanceof ConfigError && error.issues.some((i) => i.field === field),
      );
    });
  }

  test('the form layout only names fields of the schema', () => {
    const keys: string[] = [];
    const walk = (node: unknown): void => {
      if (typeof node === 'string') keys.push(node);
      else if (Array.isArray(node)) node.forEach(walk);
      else if (typeof node === 'object' && node !== null) {
        const { key, items } = node as { key?: string; items?: unknown };
        if (key) keys.push(key);
        walk(items);
      }
    };
    walk(file.layout);
    for (const key of keys) {
      let node: UiField | undefined = file.schema;
      for (const part of key.split('.')) {
        const name = part.replace(/\[\]$/, '');
        node = node?.properties?.[name];
        if (part.endsWith('[]')) node = node?.items;
      }
      assert.ok(node, `form layout names ${key}, which the schema lacks`);
    }
  });
});
