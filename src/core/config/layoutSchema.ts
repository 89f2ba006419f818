import type { FromSchema, JSONSchema } from 'json-schema-to-ts';

/**
 * `layout`: either explicit tiles or one of the presets. Rectangles are in output pixels and
 * even (x, y, width, height), because 4:2:0 chroma has one sample per 2x2 pixels.
 */

/**
 * `contain` by default: a picture is never distorted nor cropped unless the user asks, and the
 * presets' cells have the canvas's shape, so a camera of that shape fills its cell exactly.
 */
const fitSchema = {
  description:
    'contain (default) shows the whole picture undistorted, with black bars where its shape ' +
    "differs from the tile's; cover fills the tile and crops; stretch fills it and distorts.",
  enum: ['stretch', 'contain', 'cover'],
  default: 'contain',
} as const;

/** Camera names are checked against `cameras` in code, which can say which name is missing. */
const cameraRefSchema = { type: 'string', minLength: 1 } as const;

/** No tile reaches past the widest canvas (output.width ≤ 7680); the compositor takes ≤ 16384. */
const evenOffset = { type: 'integer', minimum: 0, maximum: 7680, multipleOf: 2 } as const;
const evenLength = { type: 'integer', minimum: 2, maximum: 7680, multipleOf: 2 } as const;

/** Why a tile with both `camera` and `cameras`, or neither, is refused (see tileCameraRule). */
export const tileCameraReasons = {
  both: 'with "cameras", only as the first of them (as tiles read back from the layout route carry it)',
  neither: 'is required (or "cameras" for a timeshare tile)',
} as const;

export const tileSchema = {
  type: 'object',
  properties: {
    camera: {
      ...cameraRefSchema,
      description: 'The camera shown in this tile. Give either this or "cameras".',
    },
    cameras: {
      description:
        'A timeshare tile: these cameras in turn, each for "rotateMs", starting with the first. ' +
        'Give either this or "camera".',
      type: 'array',
      items: cameraRefSchema,
      minItems: 1,
      maxItems: 16,
    },
    rotateMs: {
      description: 'How long a timeshare tile shows each of its "cameras" (ms); ignored with "camera".',
      type: 'integer',
      minimum: 1000,
      // A day: the most the compositor takes (native/src/js_convert.cc, TilesFromJs).
      maximum: 86_400_000,
      default: 10000,
    },
    stream: {
      description:
        'Which of the camera\'s streams the tile shows. main; sub (its "subUrl"; the main stream ' +
        "when it has none); auto: the substream when it has at least 2/3 of the tile's width in " +
        'pixels, else the main stream.',
      enum: ['auto', 'main', 'sub'],
      default: 'auto',
    },
    label: {
      description:
        "Draw the camera's name in a corner of this tile; the mosaic's label setting when left out.",
      type: 'boolean',
    },
    clock: {
      description: "Draw the time beside the label; the mosaic's clock setting when left out.",
      type: 'boolean',
    },
    x: { ...evenOffset, description: 'Left edge in output pixels (even).' },
    y: { ...evenOffset, description: 'Top edge in output pixels (even).' },
    width: { ...evenLength, description: 'Width in output pixels (even).' },
    height: { ...evenLength, description: 'Height in output pixels (even).' },
    fit: fitSchema,
  },
  required: ['x', 'y', 'width', 'height'],
  additionalProperties: false,
} as const;

/**
 * `camera` or `cameras`, kept out of tileSchema so the TileConfig type stays a plain object
 * (json-schema-to-ts would turn the condition into a union of exclusions). Errors name `camera`,
 * the field a user most likely meant. Both together are allowed when `camera` is the first of
 * `cameras` (a resolved tile carries both, so GET then PUT of a layout round-trips); that equality
 * is checked in explicitTile.ts, since JSON Schema cannot compare two fields.
 */
const tileCameraRule = {
  if: { required: ['cameras'] },
  then: {},
  else: { required: ['camera'], errorReasons: { required: tileCameraReasons.neither } },
} as const;

/** Explicit rectangles; later tiles are drawn over earlier ones where they overlap. */
export const tilesLayoutSchema = {
  type: 'object',
  properties: {
    tiles: { type: 'array', items: { ...tileSchema, ...tileCameraRule }, minItems: 1, maxItems: 64 },
  },
  required: ['tiles'],
  additionalProperties: false,
} as const;

const gridShapeSchema = { type: 'integer', minimum: 1, maximum: 64 } as const;

/** See src/core/layout/gridPreset.ts for how rows and columns are chosen and filled. */
export const gridLayoutSchema = {
  type: 'object',
  properties: {
    preset: { const: 'grid' },
    cameras: {
      description: 'Cameras in reading order; all cameras in config order when left out.',
      type: 'array',
      items: cameraRefSchema,
      minItems: 1,
      maxItems: 64,
    },
    rows: gridShapeSchema,
    columns: gridShapeSchema,
    fit: fitSchema,
  },
  required: ['preset'],
  additionalProperties: false,
} as const;

/** Left column, top and bottom in the middle, right column: [left, top, bottom, right]. */
export const classic4LayoutSchema = {
  type: 'object',
  properties: {
    preset: { const: 'classic4' },
    cameras: { type: 'array', items: cameraRefSchema, minItems: 4, maxItems: 4 },
    fit: fitSchema,
  },
  required: ['preset', 'cameras'],
  additionalProperties: false,
} as const;

/** One camera on the whole canvas. */
export const focusLayoutSchema = {
  type: 'object',
  properties: {
    preset: { const: 'focus' },
    camera: cameraRefSchema,
    fit: fitSchema,
  },
  required: ['preset', 'camera'],
  additionalProperties: false,
} as const;

/** The first camera big at the top left, the rest along the right and bottom edges. */
export const onePlusNLayoutSchema = {
  type: 'object',
  properties: {
    preset: { const: '1+N' },
    cameras: { type: 'array', items: cameraRefSchema, minItems: 2, maxItems: 64 },
    fit: fitSchema,
  },
  required: ['preset', 'cameras'],
  additionalProperties: false,
} as const;

/**
 * A 1+N layout whose big tile follows motion (src/core/layout/autoLayoutDirector.ts): it goes to
 * the camera whose motion started last, kept at least `holdMs`; after `quietMs` without motion on
 * any of them the first camera takes it back. Resolves, before any motion, to 1+N of `cameras`.
 */
export const autoLayoutSchema = {
  type: 'object',
  properties: {
    preset: { const: 'auto' },
    cameras: {
      description: 'The cameras of the 1+N layout; the first is big when nothing moves.',
      type: 'array',
      items: cameraRefSchema,
      minItems: 2,
      maxItems: 16,
    },
    holdMs: {
      description: 'The camera in the big tile keeps it at least this long (ms), whatever else moves.',
      type: 'integer',
      minimum: 0,
      maximum: 3600000,
      default: 10000,
    },
    quietMs: {
      description:
        'After this long (ms) with no motion on any of the cameras, the first takes the big tile back.',
      type: 'integer',
      minimum: 1000,
      maximum: 86400000,
      default: 30000,
    },
    fit: fitSchema,
  },
  required: ['preset', 'cameras'],
  additionalProperties: false,
} as const;

const presetLayoutSchemas = [
  gridLayoutSchema,
  classic4LayoutSchema,
  focusLayoutSchema,
  onePlusNLayoutSchema,
  autoLayoutSchema,
] as const;

/** Every value `layout.preset` may take. */
export const presetNames = presetLayoutSchemas.map((schema) => schema.properties.preset.const);

/**
 * Picks the one schema the document means, by `tiles` or by `preset`, with a chain of
 * if/then/else rather than oneOf, for two reasons: Ajv applies no defaults inside oneOf/anyOf
 * (so `fit` would stay unset), and oneOf reports every branch's complaints, while the user wrote
 * only one of them. Here errors come from the chosen branch alone.
 */
function chooseByTilesOrPreset() {
  const unknownPreset = {
    required: ['preset'],
    properties: { preset: { enum: presetNames } },
    errorReasons: { required: 'is required unless layout has "tiles"' },
  } as const;
  const byPreset = presetLayoutSchemas.reduceRight<JSONSchema>(
    (otherwise, schema) => ({
      if: { required: ['preset'], properties: { preset: { const: schema.properties.preset.const } } },
      then: schema,
      else: otherwise,
    }),
    unknownPreset,
  );
  return {
    type: 'object',
    if: { required: ['tiles'] },
    then: tilesLayoutSchema,
    else: byPreset,
  } as const;
}

export const layoutSchema = chooseByTilesOrPreset();

type Validated<S extends JSONSchema> = FromSchema<S>;
/** As the user may write it: defaulted fields optional. */
type AsWritten<S extends JSONSchema> = FromSchema<S, { keepDefaultedPropertiesOptional: true }>;

export type TileConfig = Validated<typeof tileSchema>;
export type TilesLayoutConfig = Validated<typeof tilesLayoutSchema>;
export type GridLayoutConfig = Validated<typeof gridLayoutSchema>;
export type Classic4LayoutConfig = Validated<typeof classic4LayoutSchema>;
export type FocusLayoutConfig = Validated<typeof focusLayoutSchema>;
export type OnePlusNLayoutConfig = Validated<typeof onePlusNLayoutSchema>;
export type AutoLayoutConfig = Validated<typeof autoLayoutSchema>;
export type PresetLayoutConfig =
  GridLayoutConfig | Classic4LayoutConfig | FocusLayoutConfig | OnePlusNLayoutConfig | AutoLayoutConfig;
export type PresetName = PresetLayoutConfig['preset'];

/**
 * A validated layout. Spelled as a union of the branch types because json-schema-to-ts cannot
 * turn the if/then/else chain above into one; each member still comes from its schema.
 */
export type LayoutConfig = TilesLayoutConfig | PresetLayoutConfig;

/** A layout as a user or a Node-RED message may write it, before defaults. */
export type LayoutConfigInput =
  | AsWritten<typeof tilesLayoutSchema>
  | AsWritten<typeof gridLayoutSchema>
  | AsWritten<typeof classic4LayoutSchema>
  | AsWritten<typeof focusLayoutSchema>
  | AsWritten<typeof onePlusNLayoutSchema>
  | AsWritten<typeof autoLayoutSchema>;
