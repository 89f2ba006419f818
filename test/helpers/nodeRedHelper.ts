/**
 * node-red-node-test-helper with types (it ships none), initialised against the node-red
 * devDependency, plus what every Node-RED unit test here needs: the four nodes, a small engine
 * node on a free loopback port, and waits on a node's status, errors and output.
 */
import engineNode from '../../src/node-red/mosaic-engine';
import controlNode from '../../src/node-red/mosaic-control';
import statusNode from '../../src/node-red/mosaic-status';
import snapshotNode from '../../src/node-red/mosaic-snapshot';
import type { NodeMessage, NodeStatus } from '../../src/node-red/nodeRedTypes';

export { freePort } from './nodeRedRuntime';

/** A node as the helper hands it to a test; `call:<method>` events carry the sinon call. */
export interface TestNode {
  id: string;
  receive(msg: NodeMessage): void;
  on(event: 'input', listener: (msg: NodeMessage) => void): void;
  on(event: string, listener: (call: { args: unknown[] }) => void): void;
  removeAllListeners(event?: string): void;
  [key: string]: unknown;
}

type NodeModule = (RED: never) => void;

interface TestHelper {
  init(runtimePath: string, settings?: Record<string, unknown>): void;
  load(
    nodes: NodeModule[],
    flow: object[],
    credentials?: Record<string, Record<string, string>>,
  ): Promise<void>;
  unload(): Promise<void>;
  getNode(id: string): TestNode | null;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const helper = require('node-red-node-test-helper') as TestHelper;
helper.init(require.resolve('node-red'));

export const mosaicNodes = [engineNode, controlNode, statusNode, snapshotNode] as unknown as NodeModule[];

/** Four solid-colour demo cameras on a 640x360 2x2 grid: red, lime / blue, yellow. */
export function engineDef(port: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'engine',
    type: 'mosaic-engine',
    name: 'test mosaic',
    cameras: ['red', 'lime', 'blue', 'yellow'].map((c) => ({
      name: c,
      url: `demo:color?c=${c}&size=320x180&rate=25`,
    })),
    width: '640',
    height: '360',
    fps: '25',
    bitrate: '1000000',
    layout: '{"preset":"grid","rows":2,"columns":2}',
    port: String(port),
    host: '127.0.0.1',
    ...extra,
  };
}

/** Collects what a node did: statuses, errors (as text) and messages on a helper node. */
export class NodeRecorder {
  readonly statuses: NodeStatus[] = [];
  readonly errors: string[] = [];

  /** Includes what the node did before (while the flow started): the helper's spies keep it. */
  constructor(node: TestNode) {
    const text = (error: unknown): string => (error instanceof Error ? error.message : String(error));
    for (const call of callsOn(node, 'status')) this.statuses.push(call.args[0] as NodeStatus);
    for (const call of callsOn(node, 'error')) this.errors.push(text(call.args[0]));
    node.on('call:status', (call) => this.statuses.push(call.args[0] as NodeStatus));
    node.on('call:error', (call) => this.errors.push(text(call.args[0])));
  }

  get lastStatus(): NodeStatus | undefined {
    return this.statuses[this.statuses.length - 1];
  }
}

/** Messages arriving at a `helper` node. */
export function messagesOf(node: TestNode): NodeMessage[] {
  const messages: NodeMessage[] = [];
  node.on('input', (msg) => messages.push(msg));
  return messages;
}

interface SpyCall {
  thisValue: unknown;
  args: unknown[];
}

/** Calls of `method` on this node so far (the helper makes Node.prototype's methods sinon spies). */
function callsOn(node: TestNode, method: string): SpyCall[] {
  const spy = node[method] as { getCalls?: () => SpyCall[] } | undefined;
  return (spy?.getCalls?.() ?? []).filter((call) => call.thisValue === node);
}
