import type { FromSchema } from 'json-schema-to-ts';

/** x264's speed/quality presets, fastest first. */
export const x264Presets = [
  'ultrafast',
  'superfast',
  'veryfast',
  'faster',
  'fast',
  'medium',
  'slow',
  'slower',
  'veryslow',
  'placebo',
] as const;

/** The mosaic's canvas and its main H.264 encoding. */
export const outputSchema = {
  type: 'object',
  properties: {
    width: {
      description: 'Canvas width in pixels; even, because 4:2:0 chroma has half the resolution.',
      type: 'integer',
      minimum: 64,
      maximum: 7680,
      multipleOf: 2,
      default: 1920,
    },
    height: {
      description: 'Canvas height in pixels; even, for the same reason as width.',
      type: 'integer',
      minimum: 64,
      maximum: 4320,
      multipleOf: 2,
      default: 1080,
    },
    fps: {
      description: 'Output frames per second; the compositor ticks at this rate.',
      type: 'integer',
      minimum: 1,
      maximum: 60,
      default: 25,
    },
    bitrate: {
      description: 'Target H.264 bitrate in bit/s.',
      type: 'integer',
      minimum: 100_000,
      maximum: 50_000_000,
      default: 4_000_000,
    },
    gop: {
      // A schema default cannot depend on fps: 50 is 2 s at the default 25 fps. Viewers do not
      // wait for it, since a keyframe is forced whenever one joins.
      description: 'Frames between keyframes (default 50: 2 s at the default 25 fps).',
      type: 'integer',
      minimum: 1,
      maximum: 600,
      default: 50,
    },
    preset: {
      description: 'x264 preset; slower ones save bitrate at a large CPU cost.',
      enum: x264Presets,
      default: 'ultrafast',
    },
    profile: {
      description: 'H.264 profile; baseline (default) decodes on every browser and Apple device.',
      enum: ['baseline', 'main', 'high'],
      default: 'baseline',
    },
  },
  additionalProperties: false,
} as const;

/** The output after validation: every field present. */
export type OutputConfig = FromSchema<typeof outputSchema>;
