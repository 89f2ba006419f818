/**
 * Issue 17 item 3: every example flow imports beside all the others and runs. A real Node-RED 4
 * (this Node.js) gets the five examples from its own examples library, one tab each, deployed at
 * once; each engine's mosaic must then serve /stats and no node may report an error. A taken port
 * must say so: "port N in use" on the status, and the way out in the debug sidebar, as text.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, test } from 'node:test';
import { freePort, nodeRedVersions, startedNodeRed, type CommsMessage } from '../helpers/nodeRedRuntime';
import { waitFor } from '../helpers/wait';

type FlowNode = Record<string, unknown> & { id: string; type: string };

const library = '/library/examples/flows/homebridge-camera-mosaic';

/**
 * One example on its own tab, with what the test changes: its engine on loopback, its port mapped
 * through `ports` (each port of the examples to one free port, so examples that share a port
 * still collide here), and small pictures for two shared cores.
 */
function onTab(name: string, example: FlowNode[], ports: Map<string, number>): FlowNode[] {
  const tab: FlowNode = { id: `tab-${name}`, type: 'tab', label: name };
  return [
    tab,
    ...example.map((node) => {
      const copy: FlowNode = { ...node };
      if (copy.type !== 'mosaic-engine') return { ...copy, z: tab.id };
      const cameras = (copy['cameras'] as { url: string }[]).map((camera) => ({
        ...camera,
        url: camera.url.replace('size=640x360', 'size=160x90'),
      }));
      if (typeof copy['mosaics'] === 'string' && copy['mosaics'] !== '') {
        const mosaics = JSON.parse(copy['mosaics']) as Record<string, unknown>[];
        for (const mosaic of mosaics) delete mosaic['output'];
        copy['mosaics'] = JSON.stringify(mosaics);
      }
      return {
        ...copy,
        cameras,
        port: String(ports.get(String(copy['port']))),
        host: '127.0.0.1',
        width: '320',
        height: '180',
        bitrate: '300000',
      };
    }),
  ];
}

/** The errors (node.error, done(error)) Node-RED put in the debug sidebar. */
function sidebarErrors(comms: readonly CommsMessage[]): CommsMessage['data'][] {
  return comms.filter((m) => m.topic === 'debug' && m.data['level'] === 20).map((m) => m.data);
}

describe('the five examples together in Node-RED 4', () => {
  const suite = startedNodeRed(nodeRedVersions[0]);
  const examples = new Map<string, FlowNode[]>();

  const stats = async (port: number): Promise<{ cameras: unknown[] } | false> => {
    const response = await fetch(`http://127.0.0.1:${port}/stats`).catch(() => undefined);
    return response?.ok ? ((await response.json()) as { cameras: unknown[] }) : false;
  };

  test('all five deploy at once, each engine serves /stats, and no node reports an error', async () => {
    const listing = await suite.red.get<{ fn?: string }[]>(library);
    for (const entry of listing) {
      if (!entry.fn) continue;
      const name = entry.fn.replace(/\.json$/, '');
      examples.set(name, await suite.red.get<FlowNode[]>(`${library}/${name}`));
    }
    assert.equal(examples.size, 5, `five examples at the top of the menu: ${[...examples.keys()].join()}`);

    const engines = [...examples].map(([name, flow]) => {
      const engine = flow.find((n) => n.type === 'mosaic-engine');
      assert.ok(engine, `${name} has a mosaic-engine`);
      return { name, port: String(engine['port']) };
    });
    const ports = new Map<string, number>();
    for (const { port } of engines) if (!ports.has(port)) ports.set(port, await freePort());

    await suite.red.deploy([...examples].flatMap(([name, flow]) => onTab(name, flow, ports)));
    for (const { name, port } of engines) {
      const mapped = ports.get(port) ?? 0;
      await waitFor(
        `${name} (example port ${port}) to serve /stats: ${JSON.stringify(sidebarErrors(suite.red.comms))}`,
        () => stats(mapped),
        30000,
        300,
      );
    }
    // A failed start shows on the nodes that use the engine, once it has failed: wait for theirs.
    const users = [...examples.values()].flat().filter((n) => /^mosaic-(control|status)$/.test(n.type));
    assert.ok(users.length >= 5, 'each example has a node that starts its engine');
    for (const node of users) {
      const status = await waitFor(
        `a status on ${node.type} ${node.id}`,
        () => {
          const last = suite.red.comms.filter((m) => m.topic === `status/${node.id}`).at(-1)?.data;
          return last && last['text'] !== 'starting' ? last : undefined;
        },
        30000,
        200,
      );
      assert.notEqual(status['fill'], 'red', `${node.type} ${node.id}: ${String(status['text'])}`);
    }
    assert.deepEqual(sidebarErrors(suite.red.comms), [], 'no node reported an error');
  });

  test('an engine whose port is taken says so: "port N in use", and the way out as text', async () => {
    const example = examples.get('periodic-snapshot');
    assert.ok(example, 'the examples were read by the first test');
    const port = await freePort();
    // Another program on the engine's port, as a second engine on it would be.
    const other = createServer();
    await new Promise<void>((resolve) => other.listen(port, '127.0.0.1', resolve));
    try {
      const before = suite.red.comms.length;
      const engine = example.find((n) => n.type === 'mosaic-engine');
      await suite.red.deploy(onTab('taken', example, new Map([[String(engine?.['port']), port]])));
      const snapshotNode = example.find((n) => n.type === 'mosaic-snapshot');
      assert.ok(snapshotNode);
      await waitFor(
        'the red status',
        () => suite.red.statusOf(snapshotNode.id) === `port ${port} in use`,
        20000,
      );
      const error = await waitFor(
        'the error in the sidebar',
        () => sidebarErrors(suite.red.comms.slice(before)).find((e) => e['id'] === snapshotNode.id),
        5000,
      );
      assert.equal(
        error['msg'],
        `port ${port} is in use: another mosaic-engine or another program listens on it; ` +
          'choose another Port in the mosaic-engine node',
      );
      assert.match(String(error['format']), /^string/, 'plain text, not an object to expand');
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });
});
