import type { FromSchema } from 'json-schema-to-ts';
import { cameraSchema } from './cameraSchema';
import { labelsSchema } from './labelsSchema';
import { layoutSchema, type LayoutConfig, type LayoutConfigInput } from './layoutSchema';
import { mosaicSchema, publishListSchema } from './mosaicSchema';
import { outputSchema } from './outputSchema';
import { serverSchema } from './serverSchema';

/**
 * The whole document a user writes (config file, Node-RED config node, Homebridge platform).
 * One mosaic is written as `output`, `layout`, `labels` and `outputs` beside `cameras`; several
 * as `mosaics: [{ name, output, layout, labels, outputs }]` instead (not both).
 */
export const mosaicConfigSchema = {
  type: 'object',
  properties: {
    cameras: { type: 'array', items: cameraSchema, minItems: 1, maxItems: 64 },
    // `default: {}` lets Ajv create the object, then fill it with the defaults of its fields.
    output: { ...outputSchema, default: {} },
    staleTimeoutMs: {
      description: 'A tile whose camera sent no frame for this long turns black.',
      type: 'integer',
      minimum: 500,
      maximum: 600_000,
      default: 10_000,
    },
    layout: {
      ...layoutSchema,
      description: 'Explicit tiles or a preset; a grid of all cameras when left out.',
    },
    labels: { ...labelsSchema, default: {} },
    server: { ...serverSchema, default: {} },
    outputs: publishListSchema,
    mosaics: {
      description:
        'Several mosaics over the same cameras, each decoded once; the first also answers at the ' +
        'single-mosaic routes. Instead of the top-level output, layout, labels and outputs.',
      type: 'array',
      items: mosaicSchema,
      minItems: 1,
      maxItems: 8,
    },
    mainStreamIdleMs: {
      description:
        "A camera's main stream that no tile has shown for this long is closed while its substream " +
        'serves the small tiles.',
      type: 'integer',
      minimum: 0,
      maximum: 3_600_000,
      default: 10_000,
    },
  },
  required: ['cameras'],
  additionalProperties: false,
} as const;

// json-schema-to-ts cannot type `layout`'s if/then/else chain, so that field (also inside each
// of `mosaics`) takes the union spelled in layoutSchema.ts; the rest comes straight from the schema.
type WithLayout<T, L> = Omit<T, 'layout'> & { layout?: L };
type WithLayouts<T extends { mosaics?: unknown }, L> = Omit<WithLayout<T, L>, 'mosaics'> & {
  mosaics?: WithLayout<NonNullable<T['mosaics']> extends readonly (infer M)[] ? M : never, L>[];
};

/** A validated config: every default applied; `layout` stays optional (grid of all cameras). */
export type MosaicConfig = WithLayouts<FromSchema<typeof mosaicConfigSchema>, LayoutConfig>;

/** One of `mosaics`, validated. */
export type MosaicEntryConfig = NonNullable<MosaicConfig['mosaics']>[number];

/** A config as a user writes it, before defaults. */
export type MosaicConfigInput = WithLayouts<
  FromSchema<typeof mosaicConfigSchema, { keepDefaultedPropertiesOptional: true }>,
  LayoutConfigInput
>;
