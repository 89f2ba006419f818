import { ConfigError } from '../core/errors';
import type { MosaicRuntime } from './mosaicRuntime';
import type { Node, NodeApi, NodeMessage } from './nodeRedTypes';

/** A mosaic-engine config node: what mosaic-control, -status and -snapshot find via `engine`. */
export interface MosaicEngineNode extends Node {
  mosaic: MosaicRuntime;
}

/**
 * The mosaic-engine node that `engineId` names, or undefined (with a red status on `node`) when
 * the property is empty or names no deployed config node.
 */
export function findMosaic(RED: NodeApi, node: Node, engineId: unknown): MosaicRuntime | undefined {
  const configNode =
    typeof engineId === 'string' && engineId !== '' ? RED.nodes.getNode(engineId) : undefined;
  const mosaic = (configNode as Partial<MosaicEngineNode> | undefined | null)?.mosaic;
  if (!mosaic) {
    node.status({ fill: 'red', shape: 'ring', text: 'no mosaic-engine configured' });
    node.error('no mosaic-engine configured: pick one in the node\'s "Engine" field');
    return undefined;
  }
  return mosaic;
}

/** A node's "Mosaic" property: the name of one of the engine's mosaics, or undefined (the first). */
export function nodeMosaicName(property: unknown): string | undefined {
  return typeof property === 'string' && property.trim() !== '' ? property.trim() : undefined;
}

/** `msg.mosaic`: a mosaic name, or undefined when empty or absent; anything else is a ConfigError. */
export function messageMosaic(msg: NodeMessage): string | undefined {
  const value = msg['mosaic'];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') {
    throw new ConfigError([{ field: 'mosaic', reason: 'must be a mosaic name (a string)' }]);
  }
  return value;
}
