import { cameraSchema } from '../core/config/cameraSchema';
import { labelsSchema } from '../core/config/labelsSchema';
import { autoLayoutSchema, gridLayoutSchema, presetNames, tileSchema } from '../core/config/layoutSchema';
import { mosaicConfigSchema } from '../core/config/mosaicConfigSchema';
import { mosaicSchema } from '../core/config/mosaicSchema';
import { outputSchema } from '../core/config/outputSchema';
import { publishSchema } from '../core/config/publishSchema';
import { rtspServerSchema, serverSchema } from '../core/config/serverSchema';
import { DEFAULT_ACCESSORY_NAME, PLATFORM_NAME } from './settings';

/**
 * `config.schema.json` — the form the Homebridge UI shows — derived from the core ajv schemas, so
 * the UI offers exactly the fields, limits and defaults the runtime accepts. The file is checked
 * in (Homebridge reads it from the package root); test/homebridge/configSchema.test.ts fails
 * when it differs from `buildUiSchema()`. Regenerate after a core schema change with
 * the command in this folder's README.md.
 *
 * Of `server` the form offers the RTSP server (`server.rtsp`: the plugin serves it too, for NVRs,
 * Home Assistant and VLC beside Apple Home) and who may use the page from a browser
 * (`corsOrigins`, `allowedHosts`): Homebridge serves HomeKit, not the HTTP/WebRTC page, but the
 * same config serves it from the CLI or Node-RED. The RTSP server is off until its checkbox is
 * ticked (`enabled`, false in the form, whereas a config file's `server.rtsp` object is on).
 *
 * The Homebridge form (Angular JSON Schema Form) differs from JSON Schema in ways handled here:
 * - `required` is a flag on each property (not a list on the object);
 * - it has no if/then/else, so `layout` becomes one flat object whose fields the form shows by
 *   preset (`condition`); the runtime still judges the combination;
 * - it writes every field's `default`, so optional fields show their default as a placeholder
 *   instead (checkboxes keep theirs: the form writes their state anyway), and optional lists have
 *   no `minItems`. It still shows one entry of every list from the start (see `list`), whose
 *   checkboxes write `false`; cleanFormConfig.ts removes that, and what older forms wrote;
 * - conditions sit in the schema, where they reach each entry of a list through `arrayIndices`;
 * - descriptions are HTML, so they are escaped (`demo:<lavfi source>`);
 * - an integer with a minimum and a maximum is a slider unless the layout asks for a number.
 * `mosaics` repeats output, layout, labels and outputs per mosaic; each mosaic is one camera
 * accessory in Apple Home. Camera names in layouts are typed, not chosen: the form's lists of
 * choices are fixed in the schema and cannot follow the cameras configured above.
 */

type Fragment = Readonly<Record<string, unknown>>;
type UiProperty = Record<string, unknown>;

/** JSON Schema words the form understands and the core schemas use. */
const copiedKeywords = [
  'type',
  'description',
  'enum',
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
  'layout.tiles': 'Explicit tiles (with Layout None; optional)',
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
  'server.rtsp.enabled': 'Serve each mosaic over RTSP (NVRs, Home Assistant, VLC)',
  'server.rtsp.port': 'RTSP port',
  'server.rtsp.host': 'Listen on address (all when empty)',
  'server.rtsp.username': 'User name RTSP clients must give',
  'server.rtsp.password': 'Password RTSP clients must give',
  'server.rtsp.maxClients': 'RTSP clients at once',
  'server.corsOrigins': 'Pages elsewhere that may show and control the mosaic (origins)',
  'server.allowedHosts': 'Host names browsers reach this machine by (beyond IPs and its own name)',
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
  if (typeof result.description === 'string') result.description = escapeHtml(result.description);
  Object.assign(result, shownDefault(schema));
  // An optional list starts empty; the runtime still checks its length once it has entries.
  if (!required && result.type === 'array') delete result.minItems;
  // The form draws an integer with both bounds as a slider, on which nobody picks 1920 of 7680
  // or 4000000 bit/s; only the 1-100 sensitivity stays one.
  const bounded = result.minimum !== undefined && result.maximum !== undefined;
  if (result.type === 'integer' && bounded && !path.endsWith('.sensitivity')) result.widget = 'number';
  if (schema.type === 'object' && schema.properties !== undefined) {
    result.properties = fields(schema as { properties: Fragment; required?: readonly string[] }, path);
  }
  const items = schema.items as Fragment | undefined;
  if (schema.type === 'array' && items !== undefined) result.items = field(items, `${path}[]`, false);
  if (required) result.required = true;
  return result;
}

/** The form renders descriptions as HTML; ours are plain text. */
function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * How a field shows its default without the form writing it into config.json: a checkbox keeps
 * `default` (the form writes its state anyway), a text or number field shows it as placeholder,
 * a choice names it in its description; objects and lists show none.
 */
function shownDefault(schema: Fragment): UiProperty {
  const value = schema.default;
  if (value === undefined || typeof value === 'object') return {};
  if (schema.type === 'boolean') return { default: value };
  if (schema.enum === undefined) return { placeholder: String(value) };
  const description = typeof schema.description === 'string' ? schema.description : '';
  if (/\(default\)|default [0-9a-z]/i.test(description)) return {};
  const said = `Default: ${String(value)}.`;
  return { description: escapeHtml(description ? `${description} ${said}` : said) };
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

/** A form condition: shown while `test` (JavaScript over `model` and `arrayIndices`) holds. */
function shownWhen(test: string): { condition: { functionBody: string } } {
  return { condition: { functionBody: `return !!(${test});` } };
}

/** The index of the list entry a condition runs for, at `depth` (0: the outermost list). */
const entryIndex = (depth: number) => `[].concat(arrayIndices)[${depth}]`;

/** The mosaic entry a condition inside `mosaics[]` runs for. */
const mosaicEntry = `(model.mosaics && model.mosaics[${entryIndex(0)}])`;

/**
 * `layout` flattened: every preset's fields side by side, each shown only for its preset (the
 * conditions read the layout at `model`); explicit tiles only with no preset.
 */
function layoutField(model: string): UiProperty {
  const auto = autoLayoutSchema.properties;
  const when = (presets: readonly string[]) =>
    shownWhen(`${model} && ${JSON.stringify(presets)}.includes(${model}.preset)`);
  // One list serves every preset, so its help says what each needs (the core's is grid's alone).
  const cameraList = {
    ...field(gridLayoutSchema.properties.cameras, 'layout.cameras', false),
    description: escapeHtml(
      'Names from Cameras above, in order. grid: reading order, all cameras when left empty; ' +
        'classic4: exactly four (left, top, bottom, right); 1+N and auto: two or more, the first big.',
    ),
    items: { type: 'string', minLength: 1 },
    ...when(['grid', 'classic4', '1+N', 'auto']),
  };
  return {
    title: 'Layout',
    type: 'object',
    description: escapeHtml(mosaicConfigSchema.properties.layout.description),
    properties: {
      preset: {
        title: titles['layout.preset'],
        type: 'string',
        enum: [...presetNames],
        description: 'None: a grid of all cameras, or the explicit tiles below when you add some.',
      },
      cameras: cameraList,
      camera: {
        title: titles['layout.camera'],
        type: 'string',
        minLength: 1,
        description: 'A name from Cameras above.',
        ...when(['focus']),
      },
      rows: { ...field(gridLayoutSchema.properties.rows, 'layout.rows', false), ...when(['grid']) },
      columns: { ...field(gridLayoutSchema.properties.columns, 'layout.columns', false), ...when(['grid']) },
      fit: { ...field(gridLayoutSchema.properties.fit, 'layout.fit', false), ...when(presetNames) },
      holdMs: { ...field(auto.holdMs, 'layout.holdMs', false), ...when(['auto']) },
      quietMs: { ...field(auto.quietMs, 'layout.quietMs', false), ...when(['auto']) },
      tiles: {
        title: titles['layout.tiles'],
        type: 'array',
        maxItems: 64,
        items: {
          type: 'object',
          properties: tileFields(),
        },
        ...shownWhen(`!(${model} && ${model}.preset)`),
      },
    },
  };
}

/**
 * A tile's fields. Its label and clock are a choice of yes, no or None (the mosaic's setting), not
 * checkboxes: a checkbox cannot say "the mosaic's setting", and the form writes its `false` into
 * the empty tile it shows from the start.
 */
function tileFields(): Record<string, UiProperty> {
  const tile = fields(tileSchema, 'layout.tiles');
  for (const key of ['label', 'clock'] as const) {
    const description = `${String(tile[key].description)} None: the mosaic's setting.`;
    tile[key] = { ...tile[key], enum: [true, false], widget: 'select', description };
  }
  return tile;
}

/**
 * One entry of a "publish to" list: each field of a protocol shows only for it (`entry` finds
 * the entry in the model).
 */
function publishField(path: string, entry: string): UiProperty {
  const only: Record<string, string> = {
    url: 'rtsp',
    transport: 'rtsp',
    host: 'rtp',
    port: 'rtp',
    payloadType: 'rtp',
  };
  const properties = fields(publishSchema, path);
  for (const [key, type] of Object.entries(only)) {
    Object.assign(properties[key], shownWhen(`${entry} && ${entry}.type === ${JSON.stringify(type)}`));
  }
  return { type: 'object', properties };
}

/**
 * `server.rtsp` as the form's object: the core fields, the checkbox unticked (a form shows every
 * block, so the block's presence cannot be what turns the server on).
 */
function rtspField(): UiProperty {
  const properties = fields(rtspServerSchema, 'server.rtsp');
  properties.enabled = { ...properties.enabled, default: false };
  return { title: 'RTSP server', type: 'object', properties };
}

/** Shown while no mosaic has a name: then each mosaic has its own layout, labels and outputs. */
const withoutMosaics = shownWhen(
  '!(model.mosaics && model.mosaics.some(function (m) { return m && m.name; }))',
);

/**
 * A list in the form layout. Its entry's fields must be spelled out for the form to draw an Add
 * button, and then the form shows one entry from the start (a list drawn from the schema alone
 * has no Add button): that entry writes nothing unless typed in, but its checkboxes write `false`,
 * which cleanFormConfig.ts removes.
 */
function list(key: string, buttonText: string, fieldKeys: readonly unknown[]): Record<string, unknown> {
  return { key, type: 'array', buttonText, items: [...fieldKeys] };
}

/**
 * A closed fieldset, so that a list's first, empty entry stays out of sight until opened. Not
 * inside a list's entry: there the form would make the fieldset an entry of its own.
 */
function collapsed(title: string, items: unknown[]): Record<string, unknown> {
  return { type: 'fieldset', title, expandable: true, expanded: false, items };
}

/**
 * The layout fieldset's items for the top-level `layout`, or for `mosaics[].layout` when `model`
 * is undefined: inside a mosaic's entry the tiles cannot sit in a closed fieldset.
 */
function layoutItems(root: string, model?: string): unknown[] {
  const tile = ['camera', 'x', 'y', 'width', 'height', 'fit', 'stream', 'label', 'clock'];
  const tiles = list(`${root}.tiles`, 'Add tile', [
    ...tile.map((key) => `${root}.tiles[].${key}`),
    // A timeshare tile: these cameras in turn instead of `camera`.
    list(`${root}.tiles[].cameras`, 'Add camera to rotate through', [`${root}.tiles[].cameras[]`]),
    `${root}.tiles[].rotateMs`,
  ]);
  return [
    `${root}.preset`,
    list(`${root}.cameras`, 'Add camera name', [`${root}.cameras[]`]),
    ...['camera', 'rows', 'columns', 'holdMs', 'quietMs', 'fit'].map((key) => `${root}.${key}`),
    model === undefined
      ? tiles
      : {
          ...collapsed('Explicit tiles (optional)', [tiles]),
          ...shownWhen(`!(${model} && ${model}.preset)`),
        },
  ];
}

/** The "publish to" list at `root` (`outputs` or `mosaics[].outputs`). */
function publishItems(root: string): Record<string, unknown> {
  return list(
    root,
    'Add media server',
    Object.keys(publishSchema.properties).map((key) => `${root}[].${key}`),
  );
}

/** Form layout: cameras first, then the picture's arrangement, then encoder settings, then mosaics. */
function formLayout(): unknown[] {
  return [
    'name',
    {
      key: 'cameras',
      type: 'array',
      orderable: true,
      buttonText: 'Add camera',
      items: [
        // Every camera field (a new one shows without a change here), motion's last.
        ...Object.keys(cameraSchema.properties)
          .filter((key) => key !== 'motion')
          .map((key) => `cameras[].${key}`),
        'cameras[].motion.enabled',
        'cameras[].motion.sensitivity',
        list(
          'cameras[].motion.masks',
          'Add area to ignore',
          ['x', 'y', 'width', 'height'].map((key) => `cameras[].motion.masks[].${key}`),
        ),
      ],
    },
    {
      type: 'fieldset',
      title: 'Layout',
      expandable: true,
      expanded: true,
      items: layoutItems('layout', 'model.layout'),
      ...withoutMosaics,
    },
    {
      type: 'fieldset',
      title: 'Labels',
      expandable: true,
      items: Object.keys(labelsSchema.properties).map((key) => `labels.${key}`),
      ...withoutMosaics,
    },
    {
      type: 'fieldset',
      title: 'Output',
      expandable: true,
      items: Object.keys(outputSchema.properties).map((key) => `output.${key}`),
      ...withoutMosaics,
    },
    {
      type: 'fieldset',
      title: 'Publish to media servers',
      expandable: true,
      items: [publishItems('outputs')],
      ...withoutMosaics,
    },
    {
      type: 'fieldset',
      title: 'Several mosaics',
      description:
        'Each mosaic is its own camera in Apple Home over the same cameras (each decoded once), ' +
        'with its own layout, labels, output and media servers. A mosaic counts once it has a name.',
      expandable: true,
      items: [
        {
          ...list('mosaics', 'Add mosaic', [
            'mosaics[].name',
            ...layoutItems('mosaics[].layout'),
            ...Object.keys(labelsSchema.properties).map((key) => `mosaics[].labels.${key}`),
            ...Object.keys(outputSchema.properties).map((key) => `mosaics[].output.${key}`),
            publishItems('mosaics[].outputs'),
          ]),
          orderable: true,
        },
      ],
    },
    {
      type: 'fieldset',
      title: 'RTSP server',
      description: escapeHtml(
        'Each mosaic also as one RTSP camera, e.g. rtsp://<this machine>:8554/mosaic for the first ' +
          'or rtsp://<this machine>:8554/<mosaic name>, for Synology Surveillance Station, Home ' +
          "Assistant's generic camera, Frigate or VLC: the same encode, repackaged. Without a user " +
          'name and password anyone on the network can watch.',
      ),
      expandable: true,
      items: [
        'server.rtsp.enabled',
        // Every other RTSP field (a new one shows without a change here), while the box is ticked.
        ...Object.keys(rtspServerSchema.properties)
          .filter((key) => key !== 'enabled')
          .map((key) => ({
            key: `server.rtsp.${key}`,
            ...(key === 'password' ? { type: 'password' } : {}),
            ...shownWhen('model.server && model.server.rtsp && model.server.rtsp.enabled'),
          })),
      ],
    },
    {
      type: 'fieldset',
      title: 'Web page (browsers)',
      description: escapeHtml(
        "Who may use the mosaic's page and API from a browser when this config also serves it " +
          '(camera-mosaic --config, Node-RED); the Homebridge plugin itself serves HomeKit only.',
      ),
      expandable: true,
      items: [
        list('server.corsOrigins', 'Add origin', ['server.corsOrigins[]']),
        list('server.allowedHosts', 'Add host name', ['server.allowedHosts[]']),
      ],
    },
    { type: 'fieldset', title: 'Advanced', expandable: true, items: ['staleTimeoutMs', 'mainStreamIdleMs'] },
  ];
}

/** The whole `config.schema.json` document. */
export function buildUiSchema(): Record<string, unknown> {
  const core = mosaicConfigSchema.properties;
  const schema: UiProperty = {
    type: 'object',
    properties: {
      name: { title: 'Accessory name', type: 'string', default: DEFAULT_ACCESSORY_NAME, required: true },
      cameras: {
        ...field(core.cameras, 'cameras', true),
        items: { type: 'object', properties: fields(cameraSchema, 'cameras') },
      },
      layout: layoutField('model.layout'),
      labels: field(core.labels, 'labels', false),
      output: { title: 'Output', type: 'object', properties: fields(outputSchema, 'output') },
      staleTimeoutMs: field(core.staleTimeoutMs, 'staleTimeoutMs', false),
      mainStreamIdleMs: field(core.mainStreamIdleMs, 'mainStreamIdleMs', false),
      server: {
        title: 'Servers',
        type: 'object',
        properties: {
          rtsp: rtspField(),
          ...fields(
            {
              properties: {
                corsOrigins: serverSchema.properties.corsOrigins,
                allowedHosts: serverSchema.properties.allowedHosts,
              },
            },
            'server',
          ),
        },
      },
      outputs: {
        ...field(core.outputs, 'outputs', false),
        items: publishField('outputs', `(model.outputs && model.outputs[${entryIndex(0)}])`),
      },
      mosaics: {
        ...field(core.mosaics, 'mosaics', false),
        items: {
          type: 'object',
          properties: {
            ...fields({ properties: { name: mosaicSchema.properties.name }, required: ['name'] }, 'mosaics'),
            layout: layoutField(`(${mosaicEntry} && ${mosaicEntry}.layout)`),
            labels: field(mosaicSchema.properties.labels, 'mosaics.labels', false),
            output: { title: 'Output', type: 'object', properties: fields(outputSchema, 'mosaics.output') },
            outputs: {
              ...field(mosaicSchema.properties.outputs, 'mosaics.outputs', false),
              items: publishField(
                'mosaics.outputs',
                `(${mosaicEntry} && ${mosaicEntry}.outputs && ${mosaicEntry}.outputs[${entryIndex(1)}])`,
              ),
            },
          },
        },
      },
    },
  };
  return {
    pluginAlias: PLATFORM_NAME,
    pluginType: 'platform',
    singular: true,
    headerDisplay:
      'Several RTSP cameras as one live mosaic camera in Apple Home. Camera URLs may carry ' +
      'credentials (rtsp://user:password@host/path); logs mask the password.',
    footerDisplay: 'Run this platform as a child bridge: encoding video is heavy work.',
    schema,
    layout: formLayout(),
  };
}
