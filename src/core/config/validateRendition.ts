import { ConfigError } from '../errors';
import { ajv } from './ajv';
import { issuesFromAjv } from './issuesFromAjv';
import { renditionSchema, type RenditionConfig } from './renditionSchema';

const matchesRenditionSchema = ajv.compile<RenditionConfig>(renditionSchema);

/** Checks a rendition request; fields in its ConfigError are under `rendition`. */
export function validateRendition(document: unknown): RenditionConfig {
  const copy = structuredClone(document);
  if (!matchesRenditionSchema(copy)) {
    throw new ConfigError(issuesFromAjv(matchesRenditionSchema.errors ?? [], copy, 'rendition'));
  }
  return copy;
}
