import type { ErrorObject } from 'ajv';
import type { ConfigIssue } from '../errors';
import { closestName } from './closestName';
import { formatProblem } from './configFormats';
import { errorReasonsKeyword } from './errorReasons';

/**
 * Turns Ajv's errors into issues a user can act on: the field in the user's own terms
 * (`/cameras/1/url` → `cameras[1].url`) and a reason in plain words, one issue per field (a field
 * that is wrong in two ways is fixed by reading one). `document` is the data Ajv saw, used to tell
 * an array index from an object key that looks like a number; `root` names that document within
 * the config (`''` for the config itself, `'layout'` for a layout).
 */
export function issuesFromAjv(
  errors: readonly ErrorObject[],
  document: unknown,
  root: string,
): ConfigIssue[] {
  const reasonByField = new Map<string, string>();
  for (const error of errors) {
    // "must match then/else schema": the chosen branch's own errors already say what is wrong.
    if (error.keyword === 'if') continue;
    const field = fieldOf(error, document, root);
    if (!reasonByField.has(field)) reasonByField.set(field, reasonOf(error));
  }
  return [...reasonByField].map(([field, reason]) => ({ field, reason }));
}

function fieldOf(error: ErrorObject, document: unknown, root: string): string {
  let field = root;
  let value = document;
  for (const segment of error.instancePath.split('/').slice(1)) {
    const key = segment.replace(/~1/g, '/').replace(/~0/g, '~'); // RFC 6901 §4
    field = Array.isArray(value) ? `${field}[${key}]` : withKey(field, key);
    value = isRecord(value) ? value[key] : undefined;
  }
  const { params } = error;
  if (error.keyword === 'required') return withKey(field, String(params['missingProperty']));
  if (error.keyword === 'additionalProperties') {
    return withKey(field, String(params['additionalProperty']));
  }
  return field;
}

function withKey(field: string, key: string): string {
  if (!/^[A-Za-z_$][\w$]*$/.test(key)) return `${field}[${JSON.stringify(key)}]`;
  return field === '' ? key : `${field}.${key}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

const typeNames: Record<string, string> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
  null: 'null',
};

function reasonOf(error: ErrorObject): string {
  const schema: Record<string, unknown> = error.parentSchema ?? {};
  const custom = schema[errorReasonsKeyword];
  if (isRecord(custom) && typeof custom[error.keyword] === 'string') {
    return custom[error.keyword] as string;
  }
  const { params } = error;
  switch (error.keyword) {
    case 'type': {
      const types = String(params['type']).split(',');
      return `must be ${types.map((t) => typeNames[t] ?? t).join(' or ')}`;
    }
    case 'required':
      return 'is required';
    case 'additionalProperties': {
      const known = isRecord(schema['properties']) ? Object.keys(schema['properties']) : [];
      const meant = closestName(String(params['additionalProperty']), known);
      return meant === undefined ? 'unknown property' : `unknown property; did you mean \`${meant}\`?`;
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `must be ${String(params['comparison'])} ${String(params['limit'])}`;
    case 'multipleOf':
      return params['multipleOf'] === 2
        ? 'must be an even number'
        : `must be a multiple of ${String(params['multipleOf'])}`;
    case 'enum':
      return `must be one of ${(params['allowedValues'] as unknown[]).map(String).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify(params['allowedValue'])}`;
    case 'minItems':
    case 'maxItems':
      return itemCountReason(error.keyword, schema, Number(params['limit']));
    case 'minLength':
      return `must be at least ${plural(Number(params['limit']), 'character')} long`;
    case 'maxLength':
      return `must be at most ${plural(Number(params['limit']), 'character')} long`;
    case 'uniqueItems':
      return 'must not contain duplicates';
    case 'format':
      return formatProblem(String(params['format']), error.data) ?? 'has an invalid format';
    case 'pattern':
      // Ajv's text quotes the regex, which tells a user nothing; schemas with a pattern a user
      // can break give an errorReasons text.
      return 'has an invalid format';
    default:
      return error.message ?? 'is invalid';
  }
}

function itemCountReason(keyword: string, schema: Record<string, unknown>, limit: number): string {
  if (schema['minItems'] === schema['maxItems']) return `must have exactly ${plural(limit, 'item')}`;
  return `must have ${keyword === 'minItems' ? 'at least' : 'at most'} ${plural(limit, 'item')}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
