import type { FromSchema } from 'json-schema-to-ts';
import { cameraSchema } from './cameraSchema';
import { layoutSchema, type LayoutConfig, type LayoutConfigInput } from './layoutSchema';
import { outputSchema } from './outputSchema';
import { publishSchema } from './publishSchema';
import { serverSchema } from './serverSchema';

/** The whole document a user writes (config file, Node-RED config node, Homebridge platform). */
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
    server: { ...serverSchema, default: {} },
    outputs: {
      description: 'Media servers the encoded mosaic is also published to (RTSP or RTP), as encoded.',
      type: 'array',
      items: publishSchema,
      maxItems: 8,
      default: [],
    },
  },
  required: ['cameras'],
  additionalProperties: false,
} as const;

// json-schema-to-ts cannot type `layout`'s if/then/else chain, so that one field takes the
// union spelled in layoutSchema.ts; everything else comes straight from the schema.
type WithLayout<T, L> = Omit<T, 'layout'> & { layout?: L };

/** A validated config: every default applied; `layout` stays optional (grid of all cameras). */
export type MosaicConfig = WithLayout<FromSchema<typeof mosaicConfigSchema>, LayoutConfig>;

/** A config as a user writes it, before defaults. */
export type MosaicConfigInput = WithLayout<
  FromSchema<typeof mosaicConfigSchema, { keepDefaultedPropertiesOptional: true }>,
  LayoutConfigInput
>;
