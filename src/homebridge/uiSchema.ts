import { cameraSchema } from '../core/config/cameraSchema';
import { labelsSchema } from '../core/config/labelsSchema';
import { autoLayoutSchema, gridLayoutSchema, presetNames, tileSchema } from '../core/config/layoutSchema';
import { mosaicConfigSchema } from '../core/config/mosaicConfigSchema';
import { mosaicSchema } from '../core/config/mosaicSchema';
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
 * `mosaics` repeats output, layout, labels and outputs per mosaic; each mosaic is one camera
 * accessory in Apple Home.
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
  'cameras.subUrl': 'Substream URL (small tiles; optional)',
  'cameras.title': 'Label text (the name when empty)',
  'cameras.motion': 'Motion detection',
  'cameras.motion.enabled': 'Detect motion',
  'cameras.motion.sensitivity': 'Sensitivity (1-100)',
  'cameras.motion.masks': 'Areas to ignore (fractions 0-1 of the picture)',
  labels: 'Labels on the picture',
  'labels.names': 'Show camera names',
  'labels.clock': 'Show the time',
  'labels.position': 'Corner',
  'labels.font': 'TrueType font file',
  mosaics: 'Several mosaics (one camera accessory each)',
  'mosaics.name': 'Mosaic name',
  mainStreamIdleMs: 'Close an unshown main stream after (ms)',
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
  'layout.holdMs': 'Keep the big tile at least (ms)',
  'layout.quietMs': 'Back to the first camera after no motion for (ms)',
  'layout.tiles': 'Explicit tiles (leave the layout empty to use these)',
  'layout.tiles.cameras': 'Timeshare: cameras in turn (instead of one camera)',
  'layout.tiles.rotateMs': 'Timeshare: each camera for (ms)',
  'layout.tiles.stream': 'Stream (auto: the substream when the tile is small)',
  outputs: 'Also publish the mosaic to',
  'outputs.name': 'Name',
  'outputs.type': 'Protocol',
  'outputs.url': 'RTSP URL',
  'outputs.transport': 'RTSP transport',
  'outputs.host': 'RTP receiver host',
  'outputs.port': 'RTP receiver port',
  'outputs.payloadType': 'RTP payload type',
};

/** A field's title; inside `mosaics` the same as at the top level. */
function titleOf(path: string): string | undefined {
  return titles[path] ?? titles[path.replace(/^mosaics\./, '')];
}

/**
 * One property of a core schema as a form field: the same limits, a title, `required` as a flag;
 * an object's properties and an array's items likewise (a camera's `motion` and its `masks`).
 */
function field(schema: Fragment, path: string, required: boolean): UiProperty {
  const result: UiProperty = {};
  const title = titleOf(path);
  if (title) result.title = title;
  for (const keyword of copiedKeywords) {
    if (schema[keyword] !== undefined) result[keyword] = structuredClone(schema[keyword]);
  }
  if (schema.enum !== undefined && schema.type === undefined) result.type = 'string';
  if (schema.type === 'object' && schema.properties !== undefined) {
    result.properties = fields(schema as { properties: Fragment; required?: readonly string[] }, path);
  }
  const items = schema.items as Fragment | undefined;
  if (schema.type === 'array' && items !== undefined) result.items = field(items, `${path}[]`, false);
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
  const auto = autoLayoutSchema.properties;
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
      holdMs: field(auto.holdMs, 'layout.holdMs', false),
      quietMs: field(auto.quietMs, 'layout.quietMs', false),
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

/**
 * The layout fieldset's items for the layout at `root` (`layout`, or `mosaics[].layout` inside
 * the mosaics array, whose conditions find their entry through `arrayIndices`).
 */
function layoutItems(root: string, model: string): unknown[] {
  const when = (presets: readonly string[]) => ({
    functionBody: `return !!(${model} && ${JSON.stringify(presets)}.includes(${model}.preset));`,
  });
  return [
    `${root}.preset`,
    {
      key: `${root}.cameras`,
      type: 'array',
      buttonText: 'Add camera name',
      items: [`${root}.cameras[]`],
      condition: when(['grid', 'classic4', '1+N', 'auto']),
    },
    { key: `${root}.camera`, condition: when(['focus']) },
    { key: `${root}.rows`, condition: when(['grid']) },
    { key: `${root}.columns`, condition: when(['grid']) },
    { key: `${root}.holdMs`, condition: when(['auto']) },
    { key: `${root}.quietMs`, condition: when(['auto']) },
    { key: `${root}.fit`, condition: when(presetNames) },
    {
      key: `${root}.tiles`,
      type: 'array',
      buttonText: 'Add tile',
      items: [
        ...['camera', 'x', 'y', 'width', 'height', 'fit', 'stream', 'label', 'clock'].map(
          (key) => `${root}.tiles[].${key}`,
        ),
        // A timeshare tile: these cameras in turn instead of `camera`.
        {
          key: `${root}.tiles[].cameras`,
          type: 'array',
          buttonText: 'Add camera to rotate through',
          items: [`${root}.tiles[].cameras[]`],
        },
        `${root}.tiles[].rotateMs`,
      ],
      condition: { functionBody: `return !(${model} && ${model}.preset);` },
    },
  ];
}

/** Form layout: cameras first, then the picture's arrangement, then encoder settings, then mosaics. */
function formLayout(): unknown[] {
  const mosaicModel = 'model.mosaics && model.mosaics[arrayIndices] && model.mosaics[arrayIndices].layout';
  return [
    'name',
    {
      key: 'cameras',
      type: 'array',
      orderable: true,
      buttonText: 'Add camera',
      items: [
        'cameras[].name',
        'cameras[].url',
        'cameras[].transport',
        'cameras[].subUrl',
        'cameras[].title',
        'cameras[].motion.enabled',
        'cameras[].motion.sensitivity',
        {
          key: 'cameras[].motion.masks',
          type: 'array',
          buttonText: 'Add area to ignore',
          items: ['x', 'y', 'width', 'height'].map((key) => `cameras[].motion.masks[].${key}`),
        },
      ],
    },
    {
      type: 'fieldset',
      title: 'Layout',
      expandable: true,
      expanded: true,
      items: layoutItems('layout', 'model.layout'),
    },
    {
      type: 'fieldset',
      title: 'Labels',
      expandable: true,
      items: Object.keys(labelsSchema.properties).map((key) => `labels.${key}`),
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
    {
      type: 'fieldset',
      title: 'Several mosaics',
      description:
        'Each mosaic is its own camera in Apple Home over the same cameras (each decoded once). ' +
        'With mosaics, leave Layout, Labels, Output and Publish above empty: each mosaic has its own.',
      expandable: true,
      items: [
        {
          key: 'mosaics',
          type: 'array',
          orderable: true,
          buttonText: 'Add mosaic',
          items: [
            'mosaics[].name',
            ...layoutItems('mosaics[].layout', mosaicModel),
            ...Object.keys(labelsSchema.properties).map((key) => `mosaics[].labels.${key}`),
            ...Object.keys(outputSchema.properties).map((key) => `mosaics[].output.${key}`),
            {
              key: 'mosaics[].outputs',
              type: 'array',
              buttonText: 'Add media server',
              items: Object.keys(publishSchema.properties).map((key) => `mosaics[].outputs[].${key}`),
            },
          ],
        },
      ],
    },
    { type: 'fieldset', title: 'Advanced', expandable: true, items: ['staleTimeoutMs', 'mainStreamIdleMs'] },
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
        labels: field(core.labels, 'labels', false),
        output: { title: 'Output', type: 'object', properties: fields(outputSchema, 'output') },
        staleTimeoutMs: field(core.staleTimeoutMs, 'staleTimeoutMs', false),
        mainStreamIdleMs: field(core.mainStreamIdleMs, 'mainStreamIdleMs', false),
        outputs: {
          ...field(core.outputs, 'outputs', false),
          items: { type: 'object', properties: fields(publishSchema, 'outputs') },
        },
        mosaics: {
          ...field(core.mosaics, 'mosaics', false),
          items: {
            type: 'object',
            properties: {
              ...fields(
                { properties: { name: mosaicSchema.properties.name }, required: ['name'] },
                'mosaics',
              ),
              layout: layoutField(),
              labels: field(mosaicSchema.properties.labels, 'mosaics.labels', false),
              output: { title: 'Output', type: 'object', properties: fields(outputSchema, 'mosaics.output') },
              outputs: {
                ...field(mosaicSchema.properties.outputs, 'mosaics.outputs', false),
                items: { type: 'object', properties: fields(publishSchema, 'mosaics.outputs') },
              },
            },
          },
        },
      },
    },
    layout: formLayout(),
  };
}
