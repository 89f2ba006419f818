import { ConfigError } from '../errors';
import { issuesFromAjv } from './issuesFromAjv';
import { lazyValidator } from './loadValidator';
import { renditionSchema, type RenditionConfig } from './renditionSchema';

const renditionValidator = lazyValidator<RenditionConfig>('rendition', renditionSchema);

/** Checks a rendition request; fields in its ConfigError are under `rendition`. */
export function validateRendition(document: unknown): RenditionConfig {
  const copy = structuredClone(document);
  const matchesRenditionSchema = renditionValidator();
  if (!matchesRenditionSchema(copy)) {
    throw new ConfigError(issuesFromAjv(matchesRenditionSchema.errors ?? [], copy, 'rendition'));
  }
  return copy;
}
