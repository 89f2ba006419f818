import { labelsSchema } from './labelsSchema';
import { layoutSchema } from './layoutSchema';
import { outputSchema } from './outputSchema';
import { publishSchema } from './publishSchema';

/** Where a mosaic is also published; shared by the shorthand config and `mosaics[]`. */
export const publishListSchema = {
  description: 'Media servers the encoded mosaic is also published to (RTSP or RTP), as encoded.',
  type: 'array',
  items: publishSchema,
  maxItems: 8,
  default: [],
} as const;

/**
 * One entry of `mosaics`: its own canvas, encoder, layout and labels over the shared cameras,
 * served under /mosaics/<name>/.
 */
export const mosaicSchema = {
  type: 'object',
  properties: {
    name: {
      description: 'Names the mosaic in its routes (/mosaics/<name>/) and in Node-RED and HomeKit.',
      type: 'string',
      minLength: 1,
      maxLength: 32,
      pattern: '^[a-z0-9][a-z0-9_-]*$',
      errorReasons: {
        pattern: 'must be lowercase letters, digits, _ and -, starting with a letter or digit',
      },
    },
    // `default: {}` lets Ajv create the object, then fill it with the defaults of its fields.
    output: { ...outputSchema, default: {} },
    layout: {
      ...layoutSchema,
      description: 'Explicit tiles or a preset; a grid of all cameras when left out.',
    },
    labels: { ...labelsSchema, default: {} },
    outputs: publishListSchema,
  },
  required: ['name'],
  additionalProperties: false,
} as const;
