import type { PlatformConfig } from 'homebridge';
import { labelsSchema } from '../core/config/labelsSchema';
import { outputSchema } from '../core/config/outputSchema';
import { DEFAULT_ACCESSORY_NAME, PLUGIN_NAME } from './settings';

/** Keys Homebridge itself puts in a platform's block; everything else is the mosaic's config. */
const homebridgeKeys = new Set(['platform', 'name', '_bridge']);

/**
 * Splits the platform block of Homebridge's config.json into the accessory name and the mosaic
 * config, which is exactly the core config file's document (`cameras`, `output`, `layout`,
 * `mosaics`, …), so that one ajv schema judges both. An unknown key stays in the document and
 * is reported by the schema, as it would be in a config file.
 */
export function splitPlatformConfig(config: PlatformConfig): {
  name: string;
  mosaic: Record<string, unknown>;
} {
  const mosaic: Record<string, unknown> = {};
  const several = Array.isArray(config['mosaics']) && config['mosaics'].length > 0;
  for (const [key, value] of Object.entries(config)) {
    if (homebridgeKeys.has(key)) continue;
    if (several && isFormLeftover(key, value)) continue;
    mosaic[key] = value;
  }
  const name =
    typeof config.name === 'string' && config.name.trim() !== ''
      ? config.name.trim()
      : DEFAULT_ACCESSORY_NAME;
  return { name, mosaic };
}

const formDefaults: Record<string, { properties: Readonly<Record<string, object>> }> = {
  output: outputSchema,
  labels: labelsSchema,
};

/**
 * Whether a one-mosaic key beside `mosaics` is only what the Homebridge UI form writes by itself
 * (an empty object or list, or its fields' defaults): the core rejects `output` beside `mosaics`,
 * and a user who filled in only the mosaics must not get that error for a form's leftovers.
 */
function isFormLeftover(key: string, value: unknown): boolean {
  if (!['output', 'layout', 'labels', 'outputs'].includes(key)) return false;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value !== 'object' || value === null) return false;
  const properties = formDefaults[key]?.properties ?? {};
  return Object.entries(value).every(([field, v]) => {
    const schema = properties[field] as { default?: unknown } | undefined;
    return v === undefined || (schema !== undefined && schema.default === v);
  });
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
