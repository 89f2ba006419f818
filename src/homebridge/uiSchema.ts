import { cameraSchema } from '../core/config/cameraSchema';
import { gridLayoutSchema, presetNames, tileSchema } from '../core/config/layoutSchema';
import { mosaicConfigSchema } from '../core/config/mosaicConfigSchema';
import { outputSchema } from '../core/config/outputSchema';
import { publishSchema } from '../core/config/publishSchema';
import { DEFAULT_ACCESSORY_NAME, PLATFORM_NAME } from './settings';

/**
 * `config.schema.json` — the form the Homebridge UI shows — derived from the core ajv schemas, so
 * the UI offers exactly the fields, limits and defaults the runtime accepts. The file is checked
 * in (Homebridge reads it from the package root); test/homebridge/configSchema.test.ts fails
 * when it differs from `buildUiSchema()`. Regenerate after a core schema change with
 * the command in this folder's README.md.
 *
 * `server` is left out: Homebridge serves HomeKit, not the HTTP/WebRTC page (the runtime still
 * accepts the key, as in a config file, and ignores it).
 *
 * The Homebridge form differs from JSON Schema in two ways handled here: `required` is a flag on
 * each property (not a list on the object), and it has no if/then/else, so `layout` becomes one
 * flat object whose fields the form shows by preset; the runtime still judges the combination.
 */

type Fragment = Readonly<Record<string, unknown>>;
type UiProperty = Record<string, unknown>;

/** JSON Schema words the form understands and the core schemas use. */
const copiedKeywords = [
  'type',
  'description',
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
] as const;

const titles: Record<string, string> = {
  cameras: 'Cameras',
  'cameras.name': 'Name',
  'cameras.url': 'URL',
  'cameras.transport': 'RTSP transport',
  'output.width': 'Width (px)',
  'output.height': 'Height (px)',
  'output.fps': 'Frames per second',
  'output.bitrate': 'Bitrate (bit/s)',
  'output.gop': 'Keyframe interval (frames)',
  'output.preset': 'x264 preset',
  'output.profile': 'H.264 profile',
  staleTimeoutMs: 'Black out a silent camera after (ms)',
  'layout.preset': 'Layout',
  'layout.cameras': 'Cameras in order',
  'layout.camera': 'Camera to show',
  'layout.rows': 'Rows',
  'layout.columns': 'Columns',
  'layout.fit': 'Fit',
  'layout.tiles': 'Explicit tiles (leave the layout empty to use these)',
  outputs: 'Also publish the mosaic to',
  'outputs.name': 'Name',
  'outputs.type': 'Protocol',
  'outputs.url': 'RTSP URL',
  'outputs.transport': 'RTSP transport',
  'outputs.host': 'RTP receiver host',
  'outputs.port': 'RTP receiver port',
  'outputs.payloadType': 'RTP payload type',
};

/** One property of a core schema as a form field: the same limits, a title, `required` as a flag. */
function field(schema: Fragment, path: string, required: boolean): UiProperty {
  const result: UiProperty = {};
  if (titles[path]) result.title = titles[path];
  for (const keyword of copiedKeywords) {
    if (schema[keyword] !== undefined) result[keyword] = structuredClone(schema[keyword]);
  }
  if (schema.enum !== undefined && schema.type === undefined) result.type = 'string';
  if (required) result.required = true;
  return result;
}

/** An object schema's properties as form fields. */
function fields(
  schema: { properties: Fragment; required?: readonly string[] },
  path: string,
): Record<string, UiProperty> {
  const required = new Set<string>(schema.required ?? []);
  return Object.fromEntries(
    Object.entries(schema.properties).map(([key, value]) => {
      const name = path ? `${path}.${key}` : key;
      return [key, field(value as Fragment, name, required.has(key))];
    }),
  );
}

/** `layout` flattened: every preset's fields side by side, each shown only for its preset. */
function layoutField(): UiProperty {
  const cameraList = {
    ...field(gridLayoutSchema.properties.cameras, 'layout.cameras', false),
    items: { type: 'string', minLength: 1 },
  };
  return {
    title: 'Layout',
    type: 'object',
    description: mosaicConfigSchema.properties.layout.description,
    properties: {
      preset: { title: titles['layout.preset'], type: 'string', enum: [...presetNames] },
      cameras: cameraList,
      camera: { title: titles['layout.camera'], type: 'string', minLength: 1 },
      rows: field(gridLayoutSchema.properties.rows, 'layout.rows', false),
      columns: field(gridLayoutSchema.properties.columns, 'layout.columns', false),
      fit: field(gridLayoutSchema.properties.fit, 'layout.fit', false),
      tiles: {
        title: titles['layout.tiles'],
        type: 'array',
        minItems: 1,
        maxItems: 64,
        items: { type: 'object', properties: fields(tileSchema, 'layout.tiles') },
      },
    },
  };
}

/** Form layout: cameras first, then the picture's arrangement, then encoder settings. */
function formLayout(): unknown[] {
  const when = (presets: readonly string[]) => ({
    functionBody: `return !!(model.layout && ${JSON.stringify(presets)}.includes(model.layout.preset));`,
  });
  return [
    'name',
    {
      key: 'cameras',
      type: 'array',
      orderable: true,
      buttonText: 'Add camera',
      items: ['cameras[].name', 'cameras[].url', 'cameras[].transport'],
    },
    {
      type: 'fieldset',
      title: 'Layout',
      expandable: true,
      expanded: true,
      items: [
        'layout.preset',
        {
          key: 'layout.cameras',
          type: 'array',
          buttonText: 'Add camera name',
          items: ['layout.cameras[]'],
          condition: when(['grid', 'classic4', '1+N']),
        },
        { key: 'layout.camera', condition: when(['focus']) },
        { key: 'layout.rows', condition: when(['grid']) },
        { key: 'layout.columns', condition: when(['grid']) },
        { key: 'layout.fit', condition: when(presetNames) },
        {
          key: 'layout.tiles',
          type: 'array',
          buttonText: 'Add tile',
          items: [
            'layout.tiles[].camera',
            'layout.tiles[].x',
            'layout.tiles[].y',
            'layout.tiles[].width',
            'layout.tiles[].height',
            'layout.tiles[].fit',
          ],
          condition: { functionBody: 'return !(model.layout && model.layout.preset);' },
        },
      ],
    },
    {
      type: 'fieldset',
      title: 'Output',
      expandable: true,
      items: Object.keys(outputSchema.properties).map((key) => `output.${key}`),
    },
    {
      type: 'fieldset',
      title: 'Publish to media servers',
      expandable: true,
      items: [
        {
          key: 'outputs',
          type: 'array',
          buttonText: 'Add media server',
          items: Object.keys(publishSchema.properties).map((key) => `outputs[].${key}`),
        },
      ],
    },
    { type: 'fieldset', title: 'Advanced', expandable: true, items: ['staleTimeoutMs'] },
  ];
}

/** The whole `config.schema.json` document. */
export function buildUiSchema(): Record<string, unknown> {
  const core = mosaicConfigSchema.properties;
  return {
    pluginAlias: PLATFORM_NAME,
    pluginType: 'platform',
    singular: true,
    headerDisplay:
      'Several RTSP cameras as one live mosaic camera in Apple Home. Camera URLs may carry ' +
      'credentials (rtsp://user:password@host/path); logs mask the password.',
    footerDisplay: 'Run this platform as a child bridge: encoding video is heavy work.',
    schema: {
      type: 'object',
      properties: {
        name: { title: 'Accessory name', type: 'string', default: DEFAULT_ACCESSORY_NAME, required: true },
        cameras: {
          ...field(core.cameras, 'cameras', true),
          items: { type: 'object', properties: fields(cameraSchema, 'cameras') },
        },
        layout: layoutField(),
        output: { title: 'Output', type: 'object', properties: fields(outputSchema, 'output') },
        staleTimeoutMs: field(core.staleTimeoutMs, 'staleTimeoutMs', false),
        outputs: {
          ...field(core.outputs, 'outputs', false),
          items: { type: 'object', properties: fields(publishSchema, 'outputs') },
        },
      },
    },
    layout: formLayout(),
  };
}
