import type { FromSchema } from 'json-schema-to-ts';

const fraction = { type: 'number', minimum: 0, maximum: 1 } as const;

/** An area of the picture motion ignores, in fractions of its width and height. */
const maskSchema = {
  type: 'object',
  properties: { x: fraction, y: fraction, width: fraction, height: fraction },
  required: ['x', 'y', 'width', 'height'],
  additionalProperties: false,
} as const;

/** `cameras[].motion`: the native motion score of a camera (see native/src/motion_detector.h). */
export const motionSchema = {
  description: 'Motion detection on the decoded picture (the substream when there is one).',
  type: 'object',
  properties: {
    enabled: { description: 'Score motion for this camera.', type: 'boolean', default: true },
    sensitivity: {
      description: '1–100: higher counts smaller changes as motion.',
      type: 'integer',
      minimum: 1,
      maximum: 100,
      default: 50,
    },
    masks: {
      description: "Areas to ignore (a tree, the camera's own clock), as fractions 0–1 of the picture.",
      type: 'array',
      items: maskSchema,
      maxItems: 16,
      default: [],
    },
  },
  additionalProperties: false,
} as const;

export type MotionConfig = FromSchema<typeof motionSchema>;
