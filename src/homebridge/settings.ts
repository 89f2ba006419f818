/** The names Homebridge knows this plugin by; `config.schema.json` must say the same. */

/** The npm package name: what `-P` / `node_modules` holds and what Homebridge logs. */
export const PLUGIN_NAME = 'homebridge-camera-mosaic';

/** `"platform"` in the user's config.json, and `pluginAlias` in config.schema.json. */
export const PLATFORM_NAME = 'CameraMosaic';

/** The accessory's name when the platform config gives none. */
export const DEFAULT_ACCESSORY_NAME = 'Camera Mosaic';
