// Generates the core config validators at build time with Ajv's standalone code
// (https://ajv.js.org/standalone.html), so a process starts without compiling JSON Schemas (~0.1
// CPU-s). Runs after tsc, from the schemas and the Ajv setup tsc put in dist; writes
// dist/src/core/config/precompiledValidators.js (CommonJS), which src/core/config/loadValidator.ts
// uses when each validator's schema fingerprint still matches the schema it is asked for.
import { renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const config = join(new URL('..', import.meta.url).pathname, 'dist', 'src', 'core', 'config');
const standaloneCode = require('ajv/dist/standalone').default;
const { createAjv } = require(join(config, 'ajv.js'));
const { precompiledValidatorsPath, schemaFingerprint } = require(join(config, 'loadValidator.js'));

/** Validator name (as validateConfig.ts / validateRendition.ts ask for it) → compiled schema. */
const schemas = {
  mosaicConfig: require(join(config, 'mosaicConfigSchema.js')).mosaicConfigSchema,
  layout: require(join(config, 'layoutSchema.js')).layoutSchema,
  rendition: require(join(config, 'renditionSchema.js')).renditionSchema,
};

// The run-time options plus `code.source`, which standalone code generation needs.
const ajv = createAjv({ code: { source: true } });
const exportNames = {};
const fingerprints = {};
for (const [name, schema] of Object.entries(schemas)) {
  ajv.addSchema(schema, name);
  exportNames[name] = name;
  fingerprints[name] = schemaFingerprint(schema);
}
const code = `${standaloneCode(ajv, exportNames)}\nexports.schemaFingerprints = ${JSON.stringify(fingerprints)};\n`;

// Written whole and renamed, so a process starting meanwhile never loads half a file.
const partial = `${precompiledValidatorsPath}.${process.pid}.tmp`;
writeFileSync(partial, code);
renameSync(partial, precompiledValidatorsPath);
