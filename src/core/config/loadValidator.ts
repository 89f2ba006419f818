import type { AnySchema, ValidateFunction } from 'ajv';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where scripts/precompileValidators.mjs (run by `npm run build:ts`) writes the validators Ajv
 * generates at build time: beside this file, in dist only. Compiling the core schemas costs
 * ~0.1 CPU-s, which every CLI start, Node-RED deploy and Homebridge launch would pay.
 */
export const precompiledValidatorsPath = join(__dirname, 'precompiledValidators.js');

/** The generated module: one validator per schema name, and the schema each was built from. */
interface PrecompiledValidators {
  readonly schemaFingerprints: Readonly<Record<string, string>>;
  readonly [name: string]: unknown;
}

let precompiled: PrecompiledValidators | null | undefined;

/**
 * The validator for `schema`, made on first use: the precompiled one named `name` when the build
 * made one from this very schema, else compiled now with the shared Ajv. A validator built from an
 * older schema (a checkout rebuilt with `tsc` alone after a schema edit) is never used.
 */
export function lazyValidator<T>(name: string, schema: AnySchema): () => ValidateFunction<T> {
  let validate: ValidateFunction<T> | undefined;
  return () => (validate ??= loadValidator<T>(name, schema));
}

/** {@link lazyValidator}'s choice, made now. */
export function loadValidator<T>(name: string, schema: AnySchema): ValidateFunction<T> {
  const validators = loadPrecompiled();
  const validate = validators?.[name];
  if (typeof validate === 'function' && validators?.schemaFingerprints[name] === schemaFingerprint(schema)) {
    return validate as ValidateFunction<T>;
  }
  // Ajv itself is loaded only here, so precompiled validators spare loading it too (~30 ms).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ajv } = require('./ajv') as typeof import('./ajv');
  return ajv.compile<T>(schema);
}

/** Identifies a schema's content, to tell whether a precompiled validator was built from it. */
export function schemaFingerprint(schema: AnySchema): string {
  return createHash('sha256').update(JSON.stringify(schema)).digest('hex');
}

function loadPrecompiled(): PrecompiledValidators | null {
  if (precompiled !== undefined) return precompiled;
  // Absent in a checkout built with `tsc` alone: compile instead. A generated module that fails
  // to load (say its `ajv/dist/runtime/*` is missing from the install) is a fault to report.
  if (!existsSync(precompiledValidatorsPath)) return (precompiled = null);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  precompiled = require(precompiledValidatorsPath) as PrecompiledValidators;
  return precompiled;
}
