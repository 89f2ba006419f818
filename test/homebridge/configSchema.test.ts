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
import { rtspServerSchema, serverSchema } from '../../src/core/config/serverSchema';
import { ConfigError } from '../../src/core/errors';
import { splitPlatformConfig } from '../../src/homebridge/platformConfig';
import { PLATFORM_NAME } from '../../src/homebridge/settings';
import { buildUiSchema } from '../../src/homebridge/uiSchema';
import { repoRoot } from '../helpers/homebridgeRunner';

/**
 * config.schema.json (what the Homebridge UI draws) must agree with the ajv schemas the runtime
 * validates with: same fields, limits, defaults (shown, not written) and required flags, and
 * every config the form can produce for a sensible user passes validation. What the real form
 * saves is driven in Chromium by settingsForm.test.ts.
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

/** A form field with the conditions taken out (they differ only in where they find the entry). */
function withoutConditions(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutConditions);
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key]) => key !== 'condition')
      .map(([key, value]) => [key, withoutConditions(value)]),
  );
}

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

/**
 * What the form must show for a core field: the same limits; a default only on a checkbox (the
 * form writes every `default` into config.json), else as placeholder, or named in the help of a
 * choice; an optional list without `minItems` (the form would show that many empty entries).
 */
function uiConstraintsOf(core: Record<string, unknown>, required: boolean): Record<string, unknown> {
  const result = constraintsOf(core);
  const value = result.default;
  delete result.default;
  if (value !== undefined && typeof value !== 'object') {
    if (result.type === 'boolean') result.default = value;
    else if (result.enum === undefined) result.placeholder = String(value);
  }
  if (!required && result.type === 'array') delete result.minItems;
  return result;
}

/** The UI field's constraints, its placeholder included. */
function shownConstraintsOf(ui: Record<string, unknown>): Record<string, unknown> {
  const result = constraintsOf(ui);
  if (ui.placeholder !== undefined) result.placeholder = ui.placeholder;
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
    const required = (core.required ?? []).includes(key);
    assert.deepEqual(
      shownConstraintsOf(ui),
      uiConstraintsOf(coreField as Record<string, unknown>, required),
      `${where}.${key}`,
    );
    assert.equal(ui.required === true, required, `${where}.${key}: required flag`);
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

  test('offers the core config fields, the RTSP server, and of the HTTP server who may use it from a browser', () => {
    const coreKeys = Object.keys(mosaicConfigSchema.properties);
    assert.deepEqual(Object.keys(form).sort(), ['name', ...coreKeys].sort());
    assert.equal(form.cameras.required, true);
    const server = form.server.properties ?? {};
    assert.deepEqual(Object.keys(server).sort(), ['allowedHosts', 'corsOrigins', 'rtsp']);
    const { enabled, ...rtsp } = server.rtsp.properties ?? {};
    const { enabled: coreEnabled, ...coreRtsp } = rtspServerSchema.properties;
    assertSameFields(rtsp, { properties: coreRtsp }, 'server.rtsp');
    assert.equal(coreEnabled.default, true, "a config file's server.rtsp object is on");
    assert.deepEqual(
      { type: enabled.type, default: enabled.default },
      { type: 'boolean', default: false },
      'the form: off until ticked (it shows the block either way)',
    );
    for (const key of ['allowedHosts', 'corsOrigins'] as const) {
      assert.deepEqual(shownConstraintsOf(server[key]), uiConstraintsOf(serverSchema.properties[key], false));
      assert.deepEqual(server[key].items?.pattern, serverSchema.properties[key].items.pattern);
    }
  });

  test('cameras, output and outputs carry the core limits, defaults and required flags', () => {
    assertSameFields(form.cameras.items?.properties ?? {}, cameraSchema, 'cameras[]');
    assertSameFields(form.output.properties ?? {}, outputSchema, 'output');
    assertSameFields(form.outputs.items?.properties ?? {}, publishSchema, 'outputs[]');
    assert.deepEqual(
      shownConstraintsOf(form.outputs),
      uiConstraintsOf(mosaicConfigSchema.properties.outputs, false),
    );
    assert.deepEqual(
      shownConstraintsOf(form.staleTimeoutMs),
      uiConstraintsOf(mosaicConfigSchema.properties.staleTimeoutMs, false),
    );
  });

  test('layout offers every preset', () => {
    assert.deepEqual(form.layout.properties?.preset.enum, [...presetNames]);
    for (const key of ['holdMs', 'quietMs'] as const) {
      assert.deepEqual(
        shownConstraintsOf(form.layout.properties?.[key] ?? {}),
        uiConstraintsOf(autoLayoutSchema.properties[key], false),
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
    assert.deepEqual(
      shownConstraintsOf(form.mosaics),
      uiConstraintsOf(mosaicConfigSchema.properties.mosaics, false),
    );
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
    assert.deepEqual(
      withoutConditions(mosaic.layout),
      withoutConditions(form.layout),
      'the same layout fields as the top level (their conditions find the mosaic)',
    );
  });

  test('the defaults the form shows are the runtime defaults', () => {
    const shown = Object.fromEntries(
      Object.entries(form.output.properties ?? {}).map(([key, field]) => {
        const value = field.placeholder as string | undefined;
        return [key, value !== undefined && /^[0-9]+$/.test(value) ? Number(value) : value];
      }),
    );
    const { preset, profile, ...numbers } = mosaicOf({ cameras }).output;
    assert.deepEqual(
      { ...shown, preset: undefined, profile: undefined },
      { ...numbers, preset: undefined, profile: undefined },
    );
    assert.match(String(form.output.properties?.preset.description), new RegExp(`Default: ${preset}\\.`));
    assert.match(String(form.output.properties?.profile.description), new RegExp(`${profile} \\(default\\)`));
    assert.equal(Number(form.staleTimeoutMs.placeholder), mosaicOf({ cameras }).staleTimeoutMs);
  });

  test('the form writes no default by itself: only checkboxes and the accessory name have one', () => {
    const withDefault: string[] = [];
    const walk = (node: UiField, path: string): void => {
      if (node.default !== undefined && node.type !== 'boolean') withDefault.push(path);
      for (const [key, child] of Object.entries(node.properties ?? {}))
        walk(child, path ? `${path}.${key}` : key);
      if (node.items) walk(node.items, `${path}[]`);
    };
    walk(file.schema, '');
    assert.deepEqual(withDefault, ['name']);
  });

  test('numbers a user types exactly are number fields, not sliders', () => {
    const output = form.output.properties ?? {};
    for (const key of ['width', 'height', 'fps', 'bitrate', 'gop'])
      assert.equal(output[key].widget, 'number', `output.${key}`);
    const publish = form.outputs.items?.properties ?? {};
    for (const key of ['port', 'payloadType'])
      assert.equal(publish[key].widget, 'number', `outputs[].${key}`);
    const tile = form.layout.properties?.tiles.items?.properties ?? {};
    for (const key of ['x', 'y', 'width', 'height'])
      assert.equal(tile[key].widget, 'number', `tiles[].${key}`);
    assert.equal(form.cameras.items?.properties?.motion.properties?.sensitivity.widget, undefined);
  });

  test('help texts are HTML-escaped: the URL help keeps demo:<lavfi source>', () => {
    const url = String(form.cameras.items?.properties?.url.description);
    assert.match(url, /demo:&lt;lavfi source&gt;/);
    assert.match(url, /size=640x360&amp;rate=25/);
  });

  test("a layout shows each preset's fields only for it, the tiles only with no preset", () => {
    const layout = form.layout.properties ?? {};
    const shownFor = (key: string, preset: string | undefined): boolean =>
      // The form runs these function bodies with the model; so does this test.
      new Function('model', (layout[key].condition as { functionBody: string }).functionBody)({
        layout: preset === undefined ? {} : { preset },
      }) as boolean;
    assert.equal(shownFor('tiles', undefined), true);
    assert.equal(shownFor('tiles', 'grid'), false);
    assert.equal(shownFor('rows', 'grid'), true);
    assert.equal(shownFor('rows', 'focus'), false);
    assert.equal(shownFor('camera', 'focus'), true);
    assert.equal(shownFor('cameras', 'classic4'), true);
    assert.equal(shownFor('holdMs', '1+N'), false);
    assert.match(String(layout.cameras.description), /classic4: exactly four/);
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
    [
      // The form shows one entry of every list from the start; its checkboxes write `false`.
      'what homebridge-config-ui-x 5.10 saves for one camera',
      {
        name: 'Camera Mosaic',
        cameras: [{ name: 'door', url: 'rtsp://10.0.0.9/main', motion: { enabled: true } }],
        labels: { names: false, clock: false },
        mosaics: [{ labels: { names: false, clock: false } }],
      },
    ],
    // The RTSP fieldset untouched: its checkbox writes `false`.
    ['the RTSP server left off', { cameras, server: { rtsp: { enabled: false } } }],
    [
      'the RTSP server ticked, with a login',
      { cameras, server: { rtsp: { enabled: true, port: 8555, username: 'nvr', password: 'pw' } } },
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
      'an RTSP user name without a password',
      { cameras, server: { rtsp: { enabled: true, username: 'nvr' } } },
      'server.rtsp',
    ],
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
