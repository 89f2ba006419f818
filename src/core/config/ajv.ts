import Ajv, { _, type Options } from 'ajv';
import { cameraUrl, publishUrl } from './configFormats';
import { errorReasonsKeyword } from './errorReasons';

export { errorReasonsKeyword };

/**
 * The options every camera-mosaic schema is compiled with, at run time here and at build time by
 * scripts/precompileValidators.mjs (which must generate the same code).
 *
 * - `useDefaults`: the schemas hold the defaults, so a validated document is a complete config.
 * - `allErrors`: a user fixing a config wants every mistake at once, not one per run.
 * - `verbose`: puts the failing schema on each error, which is where {@link errorReasonsKeyword}
 *   lives.
 * - `strict`: a typo in a schema fails at load time instead of silently validating nothing; but
 *   `required` may name a property the same schema does not define, because the layout's
 *   `if: { required: ['tiles'] }` only asks whether the document has one.
 */
export const ajvOptions: Options = {
  useDefaults: true,
  allErrors: true,
  verbose: true,
  strict: true,
  strictRequired: false,
};

/** An Ajv with {@link ajvOptions} (plus `extra`, e.g. `code: { source: true }`) and our keywords. */
export function createAjv(extra: Options = {}): Ajv {
  // Standalone code cannot inline a function: the precompiled validators (written beside this
  // module) require the formats' module instead.
  const code = { ...extra.code, formats: _`require("./configFormats")` };
  const instance = new Ajv({ ...ajvOptions, ...extra, code });
  instance.addKeyword({ keyword: errorReasonsKeyword, schemaType: 'object' });
  instance.addFormat('cameraUrl', cameraUrl);
  instance.addFormat('publishUrl', publishUrl);
  return instance;
}

/** The one Ajv instance every camera-mosaic schema is compiled with at run time. */
export const ajv = createAjv();
