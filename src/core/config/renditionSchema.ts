import type { FromSchema } from 'json-schema-to-ts';

/**
 * An extra encoding of the mosaic at another size, rate or bitrate — what HomeKit asks for
 * (e.g. 640x360 at 15 fps and 300 kbit/s). Defaults: 2 s between keyframes, constrained baseline.
 */
export const renditionSchema = {
  type: 'object',
  properties: {
    width: { type: 'integer', minimum: 16, maximum: 7680, multipleOf: 2 },
    height: { type: 'integer', minimum: 16, maximum: 4320, multipleOf: 2 },
    fps: {
      description: 'At most the canvas rate; a higher request is served at the canvas rate.',
      type: 'integer',
      minimum: 1,
      maximum: 60,
    },
    bitrate: { description: 'bit/s', type: 'integer', minimum: 20000, maximum: 50000000 },
    gop: {
      description: 'Frames between keyframes; default 2 s worth.',
      type: 'integer',
      minimum: 1,
      maximum: 600,
    },
    profile: { enum: ['baseline', 'main', 'high'], default: 'baseline' },
  },
  required: ['width', 'height', 'fps', 'bitrate'],
  additionalProperties: false,
} as const;

export type RenditionConfig = FromSchema<typeof renditionSchema>;
