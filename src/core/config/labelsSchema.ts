import type { FromSchema } from 'json-schema-to-ts';

/** A mosaic's text on the picture: camera names, a clock, and "offline" on dead cameras' tiles. */
export const labelsSchema = {
  description: 'Camera names and a clock drawn on the tiles; offline tiles then say "offline".',
  type: 'object',
  properties: {
    names: { description: "Each tile shows its camera's title.", type: 'boolean', default: false },
    clock: {
      description: 'Each tile shows the local time beside the name.',
      type: 'boolean',
      default: false,
    },
    position: {
      description: 'The corner of the tile the label goes in.',
      enum: ['top-left', 'top-right', 'bottom-left', 'bottom-right'],
      default: 'bottom-left',
    },
    font: {
      description: 'A TrueType font file; the bundled DejaVu Sans Bold when left out.',
      type: 'string',
      minLength: 1,
      maxLength: 4096,
    },
  },
  additionalProperties: false,
} as const;

export type LabelsConfig = FromSchema<typeof labelsSchema>;
