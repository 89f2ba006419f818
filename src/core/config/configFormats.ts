import { cameraSchemes, publishSchemes, streamUrlProblem } from './streamUrl';

/**
 * The Ajv formats of the config schema. The validators precompiled at build time reach them as
 * `require("./configFormats").<name>` (ajv.ts sets that as `code.formats`), so each format is an
 * export of this module under its own name, and this module must stay beside them in dist.
 */

export const cameraUrl = {
  type: 'string',
  validate: (text: string): boolean => streamUrlProblem(text, cameraSchemes) === undefined,
} as const;

export const publishUrl = {
  type: 'string',
  validate: (text: string): boolean => streamUrlProblem(text, publishSchemes) === undefined,
} as const;

/** Why `value` fails `format`, in a user's words; undefined for a format that is not ours. */
export function formatProblem(format: string, value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (format === 'cameraUrl') return streamUrlProblem(value, cameraSchemes);
  if (format === 'publishUrl') return streamUrlProblem(value, publishSchemes);
  return undefined;
}
