/**
 * End to end: a real Node-RED (4 on this Node.js, 5 on Node 22) with this package installed in
 * its user dir, each example flow fetched from Node-RED's own examples library (what Import →
 * Examples shows), deployed with POST /flows, triggered with POST /inject/<id>, and its effect
 * checked where a user would see it: the mosaic's /snapshot.jpg and /stats on the engine's port,
 * the debug sidebar and node statuses (the /comms websocket), the file on disk.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  colourDistance,
  decodeJpeg,
  hexToRgb,
  meanColour,
  type PixelRect,
  type RgbFrame,
} from '../fixtures/pixels';
import { quadrantColours } from '../helpers/colourMosaic';
import { listeningSockets, nodeRedVersions, startedNodeRed, threadCount } from '../helpers/nodeRedRuntime';
import { sleep, waitFor } from '../helpers/wait';

type FlowNode = Record<string, unknown> & { id: string; type: string };

/**
 * What the test changes in an example, and only in the test: a free loopback port, a small
 * canvas for two shared cores (every mosaic takes the engine's), and the focus flows' 30 s
 * return shortened to 3 s.
 */
function forTest(example: FlowNode[], port: number): FlowNode[] {
  const tab: FlowNode = { id: 'e2e-tab', type: 'tab', label: 'example' };
  return [
    tab,
    ...example.map((node) => {
      const copy: FlowNode = { ...node };
      if (copy.type === 'mosaic-engine') {
        Object.assign(copy, {
          port: String(port),
          host: '127.0.0.1',
          width: '640',
          height: '360',
          bitrate: '1000000',
        });
        if (typeof copy['mosaics'] === 'string' && copy['mosaics'] !== '') {
          const mosaics = JSON.parse(copy['mosaics']) as Record<string, unknown>[];
          for (const mosaic of mosaics) delete mosaic['output'];
          copy['mosaics'] = JSON.stringify(mosaics);
        }
      } else {
        copy['z'] = tab.id;
      }
      if (
        copy.type === 'inject' &&
        typeof copy['payload'] === 'string' &&
        copy['payload'].includes('"duration":30')
      ) {
        copy['payload'] = copy['payload'].replace('"duration":30', '"duration":3');
      }
      return copy;
    }),
  ];
}

function idOf(flow: FlowNode[], type: string, name?: string): string {
  const node = flow.find((n) => n.type === type && (name === undefined || n['name'] === name));
  assert.ok(node, `the example has a ${type} ${name ?? ''}`);
  return node.id;
}

interface MosaicStats {
  output: { frames: number };
  cameras: { name: string; state: string }[];
  tiles: { camera: string; width: number; height: number }[];
}

for (const version of nodeRedVersions) {
  describe(version.label, () => {
    const suite = startedNodeRed(version);
    const examples = new Map<string, FlowNode[]>();

    const stats = async (): Promise<MosaicStats | false> => {
      const response = await fetch(`http://127.0.0.1:${suite.enginePort}/stats`).catch(() => undefined);
      return response?.ok ? ((await response.json()) as MosaicStats) : false;
    };
    const colours = async (path = '/snapshot.jpg'): Promise<string | false> => {
      const response = await fetch(`http://127.0.0.1:${suite.enginePort}${path}`).catch(() => undefined);
      if (!response?.ok) return false;
      try {
        return quadrantColours(await decodeJpeg(Buffer.from(await response.arrayBuffer()))).join();
      } catch {
        return false; // a frame between two layouts, or cameras not live yet
      }
    };
    const deployExample = async (name: string, credentials?: Record<string, string>): Promise<FlowNode[]> => {
      const example = examples.get(name);
      assert.ok(example, `example ${name} is listed`);
      const flow = forTest(example, suite.enginePort);
      // As the editor sends what a user typed into credential fields: beside the node's properties.
      if (credentials) Object.assign(flow.find((n) => n.type === 'mosaic-engine') ?? {}, { credentials });
      await suite.red.deploy(flow);
      await waitFor('the mosaic to serve /stats', stats, 20000, 200);
      return example;
    };

    test('the palette has the four nodes, and Import → Examples lists the five flows (no sub-folder)', async () => {
      const nodes = await suite.red.get<{ module: string; types: string[] }[]>('/nodes');
      const ours = nodes.filter((n) => n.module === 'homebridge-camera-mosaic').flatMap((n) => n.types);
      assert.deepEqual(
        ours.sort(),
        ['mosaic-control', 'mosaic-engine', 'mosaic-snapshot', 'mosaic-status'],
        suite.red.log,
      );
      const listing = await suite.red.get<{ fn?: string }[]>(
        '/library/examples/flows/homebridge-camera-mosaic',
      );
      const names = listing.flatMap((entry) => (entry.fn ? [entry.fn.replace(/\.json$/, '')] : [])).sort();
      assert.deepEqual(names, [
        'focus-on-motion',
        'motion-auto-layout',
        'offline-alert',
        'periodic-snapshot',
        'two-mosaics',
      ]);
      for (const name of names) {
        const flow = await suite.red.get<FlowNode[]>(
          `/library/examples/flows/homebridge-camera-mosaic/${name}`,
        );
        assert.equal(flow[0].type, 'comment', `${name} opens with a comment`);
        examples.set(name, flow);
      }
    });

    test('focus on motion: the door fills the mosaic, and the grid returns after the timer', async () => {
      const flow = await deployExample('focus-on-motion');
      await waitFor('the 2x2 grid', async () => (await colours()) === 'red,lime,blue,yellow', 20000, 300);
      await suite.red.inject(idOf(flow, 'inject', 'motion at the door'));
      await waitFor('the door full screen', async () => (await colours()) === 'red,red,red,red', 10000, 200);
      const applied = await waitFor(
        'the applied layout in the debug sidebar',
        () => suite.red.debugOf(idOf(flow, 'debug'))[0],
        5000,
      );
      assert.match(applied, /"camera":"door"/);
      await waitFor(
        'the grid back after 3 s',
        async () => (await colours()) === 'red,lime,blue,yellow',
        12000,
        300,
      );
    });

    test('offline alert: the porch camera raises an alert, the status names it; its password stays secret', async () => {
      const password = 'hunter2-p@ss';
      const flow = await deployExample('offline-alert', {
        users: '{"porch":"admin"}',
        passwords: JSON.stringify({ porch: password }),
      });
      const alert = await waitFor(
        'the alert',
        () => suite.red.debugOf(idOf(flow, 'debug', 'alert'))[0],
        20000,
      );
      assert.match(alert, /^Camera porch went offline: /);
      for (const file of ['flows.json', 'flows_cred.json']) {
        const text = readFileSync(join(suite.red.userDir, file), 'utf8');
        assert.ok(
          !text.includes('hunter2') && !text.includes('admin'),
          `${file} holds no login in clear text`,
        );
      }
      assert.ok(
        !suite.red.log.includes('hunter2') && !alert.includes('hunter2'),
        'logs and alerts mask the password',
      );
      await waitFor(
        'the status',
        () => suite.red.statusOf(idOf(flow, 'mosaic-status')) === '3/4 live, offline: porch',
        20000,
      );
      await suite.red.inject(idOf(flow, 'inject', 'stats now'));
      const statsMessage = await waitFor(
        'stats in the sidebar',
        () => suite.red.debugOf(idOf(flow, 'debug', 'stats'))[0],
        5000,
      );
      assert.match(statsMessage, /"cameras"/);
      assert.match(
        statsMessage,
        /"url":"rtsp:\/\/admin:\*\*\*@127\.0\.0\.1:1\/porch"/,
        'the login from credentials, masked',
      );
      assert.ok(!statsMessage.includes('hunter2'));
    });

    test('periodic snapshot: the inject writes a JPEG of the mosaic to a file', async () => {
      const flow = await deployExample('periodic-snapshot');
      const file = join(suite.red.userDir, 'camera-mosaic-snapshot.jpg');
      const seen = await waitFor(
        'a snapshot file with the classic4 colours',
        async () => {
          await suite.red.inject(idOf(flow, 'inject'));
          await sleep(500);
          if (!existsSync(file)) return false;
          const frame = await decodeJpeg(readFileSync(file)).catch(() => undefined);
          if (!frame) return false;
          return showsClassic4(frame) && frame;
        },
        30000,
        200,
      );
      assert.equal(`${seen.width}x${seen.height}`, '640x360');
    });

    test("two mosaics: each inject changes its own mosaic; stats cover both; the snapshot is the hall's", async () => {
      const flow = await deployExample('two-mosaics');
      const hall = '/mosaics/hall/snapshot.jpg';
      await waitFor('the kitchen grid', async () => (await colours()) === 'red,lime,blue,yellow', 20000, 300);
      await suite.red.inject(idOf(flow, 'inject', 'hall: door full screen'));
      await waitFor(
        'the door full screen in the hall',
        async () => (await colours(hall)) === 'red,red,red,red',
        10000,
        200,
      );
      assert.equal(await colours(), 'red,lime,blue,yellow', 'the kitchen unchanged');
      await suite.red.inject(idOf(flow, 'inject', 'kitchen: swap door and garden'));
      await waitFor(
        'the kitchen swapped',
        async () => (await colours()) === 'lime,red,blue,yellow',
        10000,
        200,
      );
      const applied = suite.red.debugOf(idOf(flow, 'debug', 'applied layout'));
      assert.match(applied[0] ?? '', /"mosaic":"hall"/);
      await waitFor(
        'the kitchen reply',
        () => suite.red.debugOf(idOf(flow, 'debug', 'applied layout'))[1],
        5000,
      );
      assert.match(suite.red.debugOf(idOf(flow, 'debug', 'applied layout'))[1], /"mosaic":"kitchen"/);
      await suite.red.inject(idOf(flow, 'inject', 'stats now'));
      const statsMessage = await waitFor(
        'stats',
        () => suite.red.debugOf(idOf(flow, 'debug', 'stats'))[0],
        5000,
      );
      assert.match(statsMessage, /"mosaics":\{"kitchen":\{/);
      assert.match(statsMessage, /"hall":\{"mosaic":"hall"/);
      await suite.red.inject(idOf(flow, 'inject', 'snapshot of the hall'));
      const snapshot = await waitFor(
        'the snapshot',
        () => suite.red.debugOf(idOf(flow, 'debug', 'hall snapshot'))[0],
        10000,
      );
      assert.match(snapshot, /"mosaic":"hall"/);
      const document = await stats();
      assert.ok(document, 'stats');
      assert.equal(document.cameras.length, 4, 'one source per camera for both mosaics');
    });

    test('motion → auto layout: motion messages reach the debug node, and the door moves into the big tile', async () => {
      const flow = await deployExample('motion-auto-layout');
      const motion = await waitFor(
        'a motion message for the door',
        () => suite.red.debugOf(idOf(flow, 'debug', 'motion')).find((m) => m.includes('"camera":"door"')),
        20000,
      );
      assert.match(motion, /"topic":"motion"/);
      assert.match(motion, /"active":true/);
      assert.match(motion, /"score":\d/);
      await suite.red.inject(idOf(flow, 'inject', 'auto layout'));
      await waitFor(
        'the applied auto layout',
        () => suite.red.debugOf(idOf(flow, 'debug', 'applied layout'))[0],
        5000,
      );
      const big = async (): Promise<string | false> => {
        const document = await stats();
        if (!document) return false;
        const [largest] = [...document.tiles].sort((a, b) => b.width * b.height - a.width * a.height);
        return largest?.camera ?? false;
      };
      await waitFor('the door in the big tile', async () => (await big()) === 'door', 15000, 300);
      await suite.red.inject(idOf(flow, 'inject', 'grid'));
      await waitFor(
        'the grid back',
        async () => {
          const document = await stats();
          return document !== false && new Set(document.tiles.map((t) => t.width)).size === 1;
        },
        5000,
        200,
      );
    });

    test('ten redeploys leave one engine and one listening port; SIGINT stops everything within 5 s', async (t) => {
      await deployExample('focus-on-motion');
      const pid = suite.red.pid;
      const allLive = async (): Promise<boolean> => {
        const document = await stats();
        return document !== false && document.cameras.every((c) => c.state === 'live');
      };
      await waitFor('4 cameras live', allLive, 20000);
      const threadsAfterOne = threadCount(pid);
      for (let i = 0; i < 10; i++) await deployExample('focus-on-motion');
      await waitFor('4 cameras live', allLive, 20000);
      // Node-RED's admin server and the one mosaic server.
      assert.equal(listeningSockets(pid), 2);
      const threads = threadCount(pid);
      assert.ok(
        threads <= threadsAfterOne + 6,
        `threads ${threadsAfterOne} → ${threads} after ten redeploys`,
      );
      const stopMs = await suite.red.stop();
      t.diagnostic(
        `threads ${threadsAfterOne} after one deploy, ${threads} after eleven; SIGINT → exit in ${stopMs} ms`,
      );
      assert.ok(stopMs < 5000, `Node-RED took ${stopMs} ms to stop`);
      const tail = suite.red.log.slice(suite.red.log.lastIndexOf('Stopping flows'));
      assert.match(
        tail,
        /\[stitcher\] stopped[\s\S]*Stopped flows/,
        'the engine closed before Node-RED exited',
      );
      assert.equal(await stats(), false, 'the mosaic port is closed');
    });
  });
}

/** Whether each classic4 pane (left | top / bottom | right) shows its camera's colour. */
function showsClassic4(frame: RgbFrame): boolean {
  const w = frame.width;
  const h = frame.height;
  const panes: [string, PixelRect][] = [
    // The side columns in their middle band: a 16:9 camera there is contained (bars above and
    // below it), covered or stretched, and fills that band in each case.
    ['ff0000', { x: 0, y: (3 * h) / 8, width: w / 4, height: h / 4 }],
    ['00ff00', { x: w / 4, y: 0, width: w / 2, height: h / 2 }],
    ['0000ff', { x: w / 4, y: h / 2, width: w / 2, height: h / 2 }],
    ['ffff00', { x: (3 * w) / 4, y: (3 * h) / 8, width: w / 4, height: h / 4 }],
  ];
  // 60 per channel: limited-range YUV and x264 at a low bitrate, as colourMosaic allows.
  return panes.every(([hex, rect]) => colourDistance(meanColour(frame, rect, 16), hexToRgb(hex)) < 60);
}
