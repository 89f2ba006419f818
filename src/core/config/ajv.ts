import Ajv from 'ajv';

/**
 * The one Ajv instance every camera-mosaic schema is compiled with.
 *
 * - `useDefaults`: the schemas hold the defaults, so a validated document is a complete config.
 * - `allErrors`: a user fixing a config wants every mistake at once, not one per run.
 * - `verbose`: puts the failing schema on each error, which is where {@link errorReasonsKeyword}
 *   lives.
 * - `strict`: a typo in a schema fails at load time instead of silently validating nothing; but
 *   `required` may name a property the same schema does not define, because the layout's
 *   `if: { required: ['tiles'] }` only asks whether the document has one.
 */
export const ajv = new Ajv({
  useDefaults: true,
  allErrors: true,
  verbose: true,
  strict: true,
  strictRequired: false,
});

/**
 * Annotation keyword: `errorReasons: { pattern: 'must start with rtsp://' }` gives the text a user
 * sees when that keyword of that schema fails, in place of Ajv's (which shows a raw regex for
 * `pattern`). It validates nothing.
 */
export const errorReasonsKeyword = 'errorReasons';
ajv.addKeyword({ keyword: errorReasonsKeyword, schemaType: 'object' });
