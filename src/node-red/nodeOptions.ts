import { ajv } from '../core/config/ajv';
import { issuesFromAjv } from '../core/config/issuesFromAjv';
import { ConfigError } from '../core/errors';

/**
 * Schemas of the mosaic-status and mosaic-snapshot options (node properties and `msg.snapshot`),
 * compiled with the same Ajv as every camera-mosaic schema, so errors read alike.
 */

const snapshotSize = { type: 'integer', minimum: 16, maximum: 7680, multipleOf: 2 } as const;

export const snapshotOptionsSchema = {
  type: 'object',
  properties: {
    width: { ...snapshotSize, description: 'JPEG width; height follows the canvas aspect when left out.' },
    height: { ...snapshotSize, description: 'JPEG height; width follows the canvas aspect when left out.' },
    quality: { type: 'integer', minimum: 1, maximum: 100, description: 'JPEG quality, default 80.' },
  },
  additionalProperties: false,
} as const;

export interface SnapshotOptions {
  width?: number;
  height?: number;
  quality?: number;
}

export const statusOptionsSchema = {
  type: 'object',
  properties: {
    interval: {
      description: 'Seconds between stats messages on the second output; 0 sends none.',
      type: 'number',
      minimum: 0,
      maximum: 86_400,
      default: 60,
    },
  },
  additionalProperties: false,
} as const;

export interface StatusOptions {
  interval: number;
}

const matchesSnapshotOptions = ajv.compile<SnapshotOptions>(snapshotOptionsSchema);
const matchesStatusOptions = ajv.compile<StatusOptions>(statusOptionsSchema);

/** Checks snapshot options (empty fields dropped); fields in its ConfigError are under `root`. */
export function snapshotOptions(document: Record<string, unknown>, root: string): SnapshotOptions {
  const copy = numbersFromText(document);
  if (!matchesSnapshotOptions(copy)) {
    throw new ConfigError(issuesFromAjv(matchesSnapshotOptions.errors ?? [], copy, root));
  }
  return copy;
}

/** Checks the mosaic-status node's properties. */
export function statusOptions(document: Record<string, unknown>): StatusOptions {
  const copy = numbersFromText(document);
  if (!matchesStatusOptions(copy)) {
    throw new ConfigError(issuesFromAjv(matchesStatusOptions.errors ?? [], copy, ''));
  }
  return copy;
}

/** The editor stores numbers as text; '' means "not set". */
function numbersFromText(document: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(document)) {
    if (value === undefined || value === null || value === '') continue;
    copy[key] =
      typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))
        ? Number(value)
        : value;
  }
  return copy;
}
