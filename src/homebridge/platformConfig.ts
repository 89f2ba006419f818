import type { PlatformConfig } from 'homebridge';
import { DEFAULT_ACCESSORY_NAME } from './settings';

/** Keys Homebridge itself puts in a platform's block; everything else is the mosaic's config. */
const homebridgeKeys = new Set(['platform', 'name', '_bridge']);

/**
 * Splits the platform block of Homebridge's config.json into the accessory name and the mosaic
 * config, which is exactly the core config file's document (`cameras`, `output`, `layout`,
 * `staleTimeoutMs`), so that one ajv schema judges both. An unknown key stays in the document
 * and is reported by the schema, as it would be in a config file.
 */
export function splitPlatformConfig(config: PlatformConfig): {
  name: string;
  mosaic: Record<string, unknown>;
} {
  const mosaic: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (!homebridgeKeys.has(key)) mosaic[key] = value;
  }
  const name =
    typeof config.name === 'string' && config.name.trim() !== ''
      ? config.name.trim()
      : DEFAULT_ACCESSORY_NAME;
  return { name, mosaic };
}
