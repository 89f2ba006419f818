import type { JSONSchema } from 'json-schema-to-ts';
import { ajv } from '../core/config/ajv';
import { issuesFromAjv } from '../core/config/issuesFromAjv';
import { ConfigError } from '../core/errors';
import type { NodeMessage } from './nodeRedTypes';

/**
 * The commands mosaic-control accepts, one JSON Schema each, picked by `command` with an
 * if/then/else chain as layoutSchema does (so errors come from the command the user meant).
 * A layout's own content is checked by `stitcher.setLayout`, with the same schema as a config.
 */
const bare = (command: string) =>
  ({
    type: 'object',
    properties: { command: { const: command } },
    required: ['command'],
    additionalProperties: false,
  }) as const;

const cameraName = { type: 'string', minLength: 1 } as const;
/** Which mosaic a layout-changing command is for; `msg.mosaic` and the node's property say it too. */
const mosaicName = { type: 'string', minLength: 1 } as const;

const commandSchemas = [
  bare('start'),
  bare('stop'),
  {
    type: 'object',
    properties: { command: { const: 'layout' }, layout: { type: 'object' }, mosaic: mosaicName },
    required: ['command', 'layout'],
    additionalProperties: false,
  },
  {
    type: 'object',
    properties: {
      command: { const: 'focus' },
      camera: cameraName,
      duration: {
        description: 'Seconds until the layout before the focus returns; forever when left out.',
        type: 'number',
        exclusiveMinimum: 0,
        maximum: 86_400,
      },
      fit: { enum: ['stretch', 'contain', 'cover'] },
      mosaic: mosaicName,
    },
    required: ['command', 'camera'],
    additionalProperties: false,
  },
  {
    type: 'object',
    properties: {
      command: { const: 'swap' },
      cameras: { type: 'array', items: cameraName, minItems: 2, maxItems: 2, uniqueItems: true },
      mosaic: mosaicName,
    },
    required: ['command', 'cameras'],
    additionalProperties: false,
  },
  {
    type: 'object',
    properties: { command: { const: 'keyframe' }, mosaic: mosaicName },
    required: ['command'],
    additionalProperties: false,
  },
] as const;

export const commandNames = commandSchemas.map((s) => s.properties.command.const);

export type ControlCommand =
  | { command: 'start' | 'stop' }
  | { command: 'keyframe'; mosaic?: string }
  | { command: 'layout'; layout: Record<string, unknown>; mosaic?: string }
  | {
      command: 'focus';
      camera: string;
      duration?: number;
      fit?: 'stretch' | 'contain' | 'cover';
      mosaic?: string;
    }
  | { command: 'swap'; cameras: [string, string]; mosaic?: string };

const unknownCommand = {
  required: ['command'],
  properties: { command: { enum: commandNames } },
  errorReasons: { required: 'is required (in msg.payload.command, or as msg.topic)' },
} as const;

const commandSchema = {
  type: 'object',
  ...(commandSchemas.reduceRight<JSONSchema>(
    (otherwise, schema) => ({
      if: { required: ['command'], properties: { command: { const: schema.properties.command.const } } },
      then: schema,
      else: otherwise,
    }),
    unknownCommand,
  ) as object),
} as const;

const matchesCommand = ajv.compile<ControlCommand>(commandSchema);

/**
 * Reads a command from a message, in any of three shapes (first match wins):
 * 1. `msg.payload = {command: 'focus', camera: 'door', duration: 30}` (or that object as JSON text);
 * 2. `msg.payload = 'start'` (a bare command name; without a topic any word is read as one);
 * 3. `msg.topic = 'focus'` with the options in `msg.payload` — for `layout` the layout itself
 *    (or a preset name), for `focus` a camera name, for `swap` an array of two names.
 * Throws ConfigError naming each wrong field (`duration: must be > 0`).
 */
export function parseCommand(msg: NodeMessage): ControlCommand {
  const document = structuredClone(commandDocument(msg));
  const named = isRecord(document) ? document['command'] : undefined;
  if (named !== undefined && !(commandNames as readonly unknown[]).includes(named)) {
    // Ajv's "command: must be one of …" reads as if the field were missing; say what was sent.
    const reason = `unknown command ${JSON.stringify(named)} (${commandNames.join(', ')})`;
    throw new ConfigError([{ field: '', reason }]);
  }
  if (!matchesCommand(document)) {
    throw new ConfigError(issuesFromAjv(matchesCommand.errors ?? [], document, ''));
  }
  return document;
}

function commandDocument({ topic, payload: raw }: NodeMessage): unknown {
  const payload = jsonObjectOrSelf(raw);
  if (isRecord(payload) && 'command' in payload) return payload;
  if (typeof payload === 'string' && (commandNames as readonly string[]).includes(payload)) {
    return { command: payload };
  }
  if (typeof topic !== 'string' || topic === '') {
    // A bare word is meant as a command, even one that does not exist ("dance").
    if (typeof payload === 'string' && payload.trim() !== '') return { command: payload.trim() };
    return isRecord(payload) ? payload : {};
  }
  switch (topic) {
    case 'layout':
      return { command: 'layout', layout: typeof payload === 'string' ? { preset: payload } : payload };
    case 'focus':
      return typeof payload === 'string'
        ? { command: 'focus', camera: payload }
        : { ...asRecord(payload), command: 'focus' };
    case 'swap':
      return Array.isArray(payload)
        ? { command: 'swap', cameras: payload }
        : { ...asRecord(payload), command: 'swap' };
    default:
      return { command: topic };
  }
}

/** MQTT and HTTP nodes hand JSON over as text: `'{"command":"focus",…}'` is read as the object. */
function jsonObjectOrSelf(value: unknown): unknown {
  if (typeof value !== 'string' || !/^\s*[[{]/.test(value)) return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asRecord(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}
