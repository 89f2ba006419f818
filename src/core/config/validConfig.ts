import type { MosaicConfig } from './types';
import { validateConfig } from './validateConfig';

/** Configs that came out of `validConfig`: frozen, so they are still what was validated. */
const validated = new WeakSet<object>();

/**
 * A config document validated once on its way to the native side: a document is validated
 * (validateConfig: defaults applied, ConfigError naming each invalid field) and the result frozen;
 * a config that already came out of here is returned as it is, not judged again. So a face can
 * hand the media core a document, and the core hands its config to the parts below it, with one
 * validation in all.
 */
export function validConfig(document: unknown): MosaicConfig {
  if (typeof document === 'object' && document !== null && validated.has(document)) {
    return document as MosaicConfig;
  }
  const config = deepFreeze(validateConfig(document));
  validated.add(config);
  return config;
}

function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const child of Object.values(value)) deepFreeze(child);
  return Object.freeze(value);
}
