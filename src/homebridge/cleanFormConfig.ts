import {
  autoLayoutSchema,
  classic4LayoutSchema,
  focusLayoutSchema,
  gridLayoutSchema,
  onePlusNLayoutSchema,
  tilesLayoutSchema,
} from '../core/config/layoutSchema';
import { mosaicConfigSchema } from '../core/config/mosaicConfigSchema';

/**
 * What the Homebridge UI's settings form leaves in config.json that nobody typed: the form
 * (Angular JSON Schema Form) shows one empty entry in every list, writes every field's default,
 * keeps the values of fields it hides (a preset's rows after switching to focus) and writes
 * empty strings for cleared fields. Older versions of our config.schema.json let it write
 * `layout.tiles[0]` with no camera, `outputs[0]` with no type and a nameless `mosaics[0]`, which
 * the core schema rightly refuses. This turns such a block into the config the user meant, so
 * configs saved by any form version keep working; what the user did type is kept, and still
 * judged by the core schema.
 */

/** The parts of a JSON Schema this walk reads. */
interface SchemaNode {
  readonly type?: unknown;
  readonly default?: unknown;
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly items?: SchemaNode;
  readonly then?: unknown;
}

export interface CleanedFormConfig {
  /** The config document without the form's leftovers. */
  document: Record<string, unknown>;
  /** Where leftovers were dropped (`layout.tiles[0]`, `outputs[0]`, `layout.fit`), for the log. */
  ignored: string[];
}

const layoutByPreset = new Map<string, SchemaNode>(
  [gridLayoutSchema, classic4LayoutSchema, focusLayoutSchema, onePlusNLayoutSchema, autoLayoutSchema].map(
    (schema) => [schema.properties.preset.const, schema as SchemaNode],
  ),
);

/** One-mosaic keys the core refuses beside `mosaics`, unless they hold only the form's defaults. */
const oneMosaicKeys = ['output', 'labels', 'layout', 'outputs'] as const;

/** Removes the settings form's leftovers from a platform's config document (see above). */
export function cleanFormConfig(document: Record<string, unknown>): CleanedFormConfig {
  const ignored: string[] = [];
  const cleaned = (cleanValue(document, mosaicConfigSchema as SchemaNode, '', ignored) ?? {}) as Record<
    string,
    unknown
  >;
  const mosaics = cleaned['mosaics'];
  if (Array.isArray(mosaics) && mosaics.length > 0) {
    const properties = mosaicConfigSchema.properties as Readonly<Record<string, SchemaNode>>;
    for (const key of oneMosaicKeys) {
      if (cleaned[key] !== undefined && onlyDefaults(cleaned[key], properties[key])) {
        delete cleaned[key];
        ignored.push(key);
      }
    }
  }
  return { document: cleaned, ignored };
}

/** `layout` (top level or a mosaic's): the core schema picks its branch by `tiles` or `preset`. */
function isLayout(schema: SchemaNode | undefined): boolean {
  return schema?.then === tilesLayoutSchema;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** The value without leftovers, or undefined when nothing of it is left. */
function cleanValue(
  value: unknown,
  schema: SchemaNode | undefined,
  path: string,
  ignored: string[],
): unknown {
  if (value === null || value === '') return undefined;
  if (Array.isArray(value)) return cleanList(value, schema?.items, path, ignored);
  if (!isPlainObject(value)) return value;
  if (isLayout(schema)) return cleanLayout(value, path, ignored);
  const result: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    const known = schema?.properties?.[key];
    // An unknown key stays for the core schema to name (with the key it likely meant).
    const cleaned =
      known === undefined && schema?.properties !== undefined
        ? field
        : cleanValue(field, known, join(path, key), ignored);
    if (cleaned !== undefined) result[key] = cleaned;
  }
  return Object.keys(result).length > 0 ? result : undefined;
}

/** A list without empty entries and entries that hold only what the form fills in by itself. */
function cleanList(list: unknown[], items: SchemaNode | undefined, path: string, ignored: string[]): unknown {
  const kept: unknown[] = [];
  list.forEach((entry, index) => {
    const where = `${path}[${index}]`;
    const cleaned = cleanValue(entry, items, where, ignored);
    if (cleaned !== undefined && (items === undefined || typedByUser(cleaned, items))) kept.push(cleaned);
    else if (isPlainObject(entry)) ignored.push(where);
  });
  return kept.length > 0 ? kept : undefined;
}

/**
 * A layout keeps the fields of the preset it names (or `tiles` when it names none): the form
 * hides the others but keeps what they held. A layout with neither preset nor tiles is the
 * default grid of all cameras, written as no layout.
 */
function cleanLayout(layout: Record<string, unknown>, path: string, ignored: string[]): unknown {
  const preset = layout['preset'] === '' || layout['preset'] === null ? undefined : layout['preset'];
  const schema =
    preset === undefined ? (tilesLayoutSchema as SchemaNode) : layoutByPreset.get(String(preset));
  // A preset the core does not know stays as written, for the core schema to name.
  if (schema === undefined) return layout;
  const result: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(layout)) {
    const known = schema.properties?.[key];
    if (known === undefined) {
      if (key !== 'preset' && field !== undefined) ignored.push(join(path, key));
      continue;
    }
    const cleaned = cleanValue(field, known, join(path, key), ignored);
    if (cleaned !== undefined) result[key] = cleaned;
  }
  return Object.keys(result).length > 0 ? result : undefined;
}

/**
 * Whether a value holds something the user typed: a field the form never fills in by itself
 * (one with no default that is not a checkbox), at any depth; a layout left after cleaning.
 * Defaults and checkboxes alone are what the form writes into every entry it shows.
 */
function typedByUser(value: unknown, schema: SchemaNode | undefined): boolean {
  if (schema === undefined) return true;
  if (Array.isArray(value)) return value.some((entry) => typedByUser(entry, schema.items));
  if (isPlainObject(value)) {
    if (isLayout(schema) || schema.properties === undefined) return true;
    return Object.entries(value).some(([key, field]) => typedByUser(field, schema.properties?.[key]));
  }
  return schema.default === undefined && schema.type !== 'boolean';
}

/** Whether a block holds only its fields' default values (what the form writes by itself). */
function onlyDefaults(value: unknown, schema: SchemaNode | undefined): boolean {
  if (!isPlainObject(value) || schema?.properties === undefined) return false;
  return Object.entries(value).every(([key, field]) => {
    const known = schema.properties?.[key];
    if (known === undefined) return false;
    return isPlainObject(field) ? onlyDefaults(field, known) : known.default === field;
  });
}
