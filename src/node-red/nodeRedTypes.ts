/**
 * The slice of Node-RED's runtime API these nodes use. Node-RED ships no types of its own and
 * @types/node-red is not a dependency; this file is the whole contract with the host.
 */

export interface NodeStatus {
  fill?: 'red' | 'green' | 'yellow' | 'blue' | 'grey';
  shape?: 'ring' | 'dot';
  text?: string;
}

export interface NodeMessage {
  _msgid?: string;
  topic?: unknown;
  payload?: unknown;
  [key: string]: unknown;
}

export type NodeSend = (msg: NodeMessage | (NodeMessage | null)[]) => void;
export type NodeDone = (error?: unknown) => void;

/** What `RED.nodes.createNode` makes of `this`. */
export interface Node {
  readonly id: string;
  readonly type: string;
  name?: string;
  credentials: Record<string, string | undefined>;
  on(event: 'input', listener: (msg: NodeMessage, send: NodeSend, done: NodeDone) => void): void;
  on(event: 'close', listener: (removed: boolean, done: () => void) => void): void;
  status(status: NodeStatus | Record<string, never>): void;
  error(error: unknown, msg?: NodeMessage): void;
  warn(message: unknown): void;
  log(message: unknown): void;
  debug(message: unknown): void;
  send(msg: NodeMessage | (NodeMessage | null)[]): void;
}

/** Properties every node definition has in the flow file. */
export interface NodeDef {
  id: string;
  type: string;
  name?: string;
  [key: string]: unknown;
}

export interface CredentialField {
  type: 'text' | 'password';
}

/**
 * A node's constructor: a plain function, which Node-RED calls with `new` after
 * `util.inherits(ctor, Node)`; `never` lets each node type its own `this` and definition.
 */
export type NodeConstructor = (this: never, def: never) => void;

export interface NodeApi {
  nodes: {
    createNode(node: object, def: NodeDef): void;
    registerType(
      type: string,
      ctor: NodeConstructor,
      options?: { credentials?: Record<string, CredentialField> },
    ): void;
    getNode(id: string): unknown;
  };
}
