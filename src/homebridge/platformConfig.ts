import type { PlatformConfig } from 'homebridge';
import { cleanFormConfig } from './cleanFormConfig';
import { DEFAULT_ACCESSORY_NAME, PLUGIN_NAME } from './settings';

/** Keys Homebridge itself puts in a platform's block; everything else is the mosaic's config. */
const homebridgeKeys = new Set(['platform', 'name', '_bridge']);

/**
 * Splits the platform block of Homebridge's config.json into the accessory name and the mosaic
 * config, which is exactly the core config file's document (`cameras`, `output`, `layout`,
 * `mosaics`, …), so that one ajv schema judges both, once the settings form's leftovers are
 * removed (cleanFormConfig.ts; `ignored` says where). An unknown key stays in the document and
 * is reported by the schema, as it would be in a config file.
 */
export function splitPlatformConfig(config: PlatformConfig): {
  name: string;
  mosaic: Record<string, unknown>;
  ignored: string[];
} {
  const block: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (!homebridgeKeys.has(key)) block[key] = value;
  }
  const { document, ignored } = cleanFormConfig(block);
  const name =
    typeof config.name === 'string' && config.name.trim() !== ''
      ? config.name.trim()
      : DEFAULT_ACCESSORY_NAME;
  return { name, mosaic: document, ignored };
}

/**
 * A mosaic's camera accessory name: the platform's name alone for a config without `mosaics`,
 * else the platform's name and the mosaic's ("Camera Mosaic kitchen").
 */
export function accessoryName(platformName: string, mosaic: string | undefined): string {
  return mosaic === undefined ? platformName : `${platformName} ${mosaic}`;
}

/**
 * What the accessory's UUID is generated from. The first mosaic (`mosaic` undefined) keeps the
 * seed of the one-mosaic plugin, so its HomeKit pairing, room and automations survive adding
 * `mosaics`; every other mosaic's UUID follows its name.
 */
export function accessoryUuidSeed(platformName: string, mosaic: string | undefined): string {
  return mosaic === undefined ? `${PLUGIN_NAME}:${platformName}` : `${PLUGIN_NAME}:${platformName}:${mosaic}`;
}
