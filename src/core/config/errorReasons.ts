/**
 * Annotation keyword: `errorReasons: { pattern: 'must start with rtsp://' }` gives the text a user
 * sees when that keyword of that schema fails, in place of Ajv's (which shows a raw regex for
 * `pattern`). It validates nothing. Its own module so that reading errors does not load Ajv.
 */
export const errorReasonsKeyword = 'errorReasons';
