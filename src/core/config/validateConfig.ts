import { ConfigError, type ConfigIssue } from '../errors';
import type { Canvas } from '../layout/canvas';
import { resolveLayout } from '../layout/resolveLayout';
import type { Tile } from '../layout/tile';
import { issuesFromAjv } from './issuesFromAjv';
import { layoutSchema, type LayoutConfig } from './layoutSchema';
import { lazyValidator } from './loadValidator';
import { mosaicConfigSchema, type MosaicConfig } from './mosaicConfigSchema';
import { mosaicDefinitions, type MosaicDefinition } from './mosaicDefinitions';
import { configPasswords, redactIssues } from './redactIssues';

const configValidator = lazyValidator<MosaicConfig>('mosaicConfig', mosaicConfigSchema);
const layoutValidator = lazyValidator<LayoutConfig>('layout', layoutSchema);

/**
 * Checks a whole config as a user wrote it and returns a copy with every default applied; the
 * caller's object is left untouched. Throws ConfigError listing every problem, each located as
 * the user wrote it (`cameras[1].url`), with camera passwords masked.
 */
export function validateConfig(document: unknown): MosaicConfig {
  const secrets = configPasswords(document);
  const config = plainCopy(document, '');
  const matchesConfigSchema = configValidator();
  if (!matchesConfigSchema(config)) {
    const issues = issuesFromAjv(matchesConfigSchema.errors ?? [], config, '');
    throw new ConfigError(redactIssues(issues, secrets));
  }
  const cameraNames = config.cameras.map((camera) => camera.name);
  const mosaics = mosaicDefinitions(config);
  const issues = [
    ...shorthandIssues(document, config),
    ...duplicateNames(cameraNames, 'cameras', 'camera'),
    ...duplicateNames(
      mosaics.map((mosaic) => mosaic.name),
      'mosaics',
      'mosaic',
    ),
    ...mosaics.flatMap((mosaic) => [...layoutIssues(mosaic, cameraNames), ...publishIssues(mosaic)]),
  ];
  if (issues.length > 0) throw new ConfigError(redactIssues(issues, secrets));
  return config;
}

/**
 * Checks a layout sent at run time (HTTP PUT /api/layout, a Node-RED message) against the same
 * schema and resolves it to tiles for a canvas of `output` size showing `cameraNames`. Fields in
 * its ConfigError are under `layout` (`layout.tiles[0].x`), as in a config file.
 */
export function validateLayout(layout: unknown, output: Canvas, cameraNames: readonly string[]): Tile[] {
  return checkLayout(layout, output, cameraNames).tiles;
}

/** validateLayout, also giving the layout with its defaults applied (an `auto` layout needs them). */
export function checkLayout(
  layout: unknown,
  output: Canvas,
  cameraNames: readonly string[],
): { layout: LayoutConfig; tiles: Tile[] } {
  const copy = plainCopy(layout, 'layout');
  const matchesLayoutSchema = layoutValidator();
  if (!matchesLayoutSchema(copy)) {
    const issues = issuesFromAjv(matchesLayoutSchema.errors ?? [], copy, 'layout');
    throw new ConfigError(redactIssues(issues, []));
  }
  try {
    return { layout: copy, tiles: resolveLayout(copy, output, cameraNames) };
  } catch (error) {
    throw error instanceof ConfigError ? new ConfigError(redactIssues(error.issues, [])) : error;
  }
}

/** A deep copy for Ajv to fill with defaults; a document that is not plain data is an issue. */
function plainCopy(document: unknown, field: string): unknown {
  try {
    return structuredClone(document);
  } catch {
    throw new ConfigError([{ field, reason: 'must be plain JSON data' }]);
  }
}

function duplicateNames(names: readonly string[], list: string, what: string): ConfigIssue[] {
  const seen = new Set<string>();
  return names.flatMap((name, i) => {
    if (!seen.has(name)) {
      seen.add(name);
      return [];
    }
    return [{ field: `${list}[${i}].name`, reason: `duplicate ${what} name ${JSON.stringify(name)}` }];
  });
}

/** The one-mosaic fields beside `mosaics` would be silently unused: say so instead. */
function shorthandIssues(document: unknown, config: MosaicConfig): ConfigIssue[] {
  if (!config.mosaics || typeof document !== 'object' || document === null) return [];
  return (['output', 'layout', 'labels', 'outputs'] as const)
    .filter((key) => key in document)
    .map((key) => ({
      field: key,
      reason: `is not used with mosaics: give each mosaic its own (mosaics[].${key})`,
    }));
}

function layoutIssues(mosaic: MosaicDefinition, cameraNames: readonly string[]): readonly ConfigIssue[] {
  try {
    resolveLayout(mosaic.layout, mosaic.output, cameraNames);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.issues.map((issue) => ({ ...issue, field: mosaic.fieldPrefix + issue.field }));
  }
}

/** What each output type needs besides its type (one schema branch per type would repeat it). */
function publishIssues(mosaic: MosaicDefinition): ConfigIssue[] {
  return mosaic.outputs.flatMap((output, i) => {
    const needs = output.type === 'rtsp' ? (['url'] as const) : (['host', 'port'] as const);
    return needs
      .filter((key) => output[key] === undefined)
      .map((key) => ({
        field: `${mosaic.fieldPrefix}outputs[${i}].${key}`,
        reason: `is required for an ${output.type} output`,
      }));
  });
}
