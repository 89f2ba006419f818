import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CorruptingRtspProxy } from '../fixtures/corruptingRtspProxy';
import { startCameras, type RtspCamera } from '../fixtures/rtspCamera';
import { HomebridgeProcess } from '../helpers/homebridgeRunner';
import { nodeRedVersions, startedNodeRed } from '../helpers/nodeRedRuntime';
import { sleep, waitFor } from '../helpers/wait';
import { fullSoak, scaled } from './soakScale';

// Host safety in the two hosts (hostSafety.test.ts covers the core's own listeners): a real
// Node-RED and a real Homebridge run the mosaic with a camera whose H.264 is badly damaged (its
// decoder fails over and over), a camera in a codec nothing decodes, and a good one. In Node-RED
// a user's function node throws on every status message and a control node gets a command that
// does not exist. The host process stays up, the errors reach its log, and the nodes or the log
// say which camera is wrong; the mosaic goes on serving.
let cameras: RtspCamera[] = [];
let proxy: CorruptingRtspProxy;
const seconds = scaled(5, 30);

before(async () => {
  cameras = await startCameras([
    { colour: 'ff0000', width: 320, height: 180 },
    { colour: '00ff00', width: 320, height: 180 },
    { colour: '0000ff', width: 320, height: 180, codec: 'unknown' },
  ]);
  // Far more damage than a flaky Wi-Fi link: most frames arrive broken.
  proxy = new CorruptingRtspProxy(cameras[1].url, { flipRate: 0.3, bitsPerFlip: 16, truncateRate: 0.2 });
  await proxy.start();
});

after(async () => {
  await proxy?.stop();
  await Promise.all(cameras.map((c) => c.stop()));
});

const mosaicCameras = () => [
  { name: 'good', url: cameras[0].url },
  { name: 'mangled', url: proxy.url },
  { name: 'odd', url: cameras[2].url },
];

type FlowNode = Record<string, unknown> & { id: string; type: string };

for (const version of fullSoak ? nodeRedVersions : nodeRedVersions.slice(0, 1)) {
  describe(`host safety in ${version.label}`, { timeout: 120_000 }, () => {
    const suite = startedNodeRed(version);

    test('a throwing function node, an unknown command and failing cameras: Node-RED stays up and says what is wrong', async () => {
      const tab = 'h-tab';
      const flow: FlowNode[] = [
        { id: tab, type: 'tab', label: 'host safety' },
        {
          id: 'h-engine',
          type: 'mosaic-engine',
          name: 'safety',
          cameras: mosaicCameras(),
          width: '480',
          height: '180',
          fps: '25',
          layout: '{"preset": "grid", "rows": 1, "columns": 3}',
          port: String(suite.enginePort),
          host: '127.0.0.1',
        },
        {
          id: 'h-status',
          type: 'mosaic-status',
          z: tab,
          engine: 'h-engine',
          interval: '1',
          wires: [['h-buggy'], ['h-buggy'], []],
        },
        {
          id: 'h-buggy',
          type: 'function',
          z: tab,
          name: 'buggy',
          func: "throw new Error('a user function that throws on every message');",
          outputs: 1,
          wires: [[]],
        },
        {
          id: 'h-inject',
          type: 'inject',
          z: tab,
          props: [{ p: 'payload' }],
          payload: '{"command": "explode"}',
          payloadType: 'json',
          repeat: '',
          once: false,
          topic: '',
          wires: [['h-control']],
        },
        { id: 'h-control', type: 'mosaic-control', z: tab, engine: 'h-engine', wires: [[]] },
        {
          id: 'h-catch',
          type: 'catch',
          z: tab,
          scope: ['h-control'],
          uncaught: false,
          wires: [['h-caught']],
        },
        {
          id: 'h-caught',
          type: 'debug',
          z: tab,
          active: true,
          tosidebar: true,
          complete: 'error.message',
          targetType: 'msg',
          wires: [],
        },
      ];
      await suite.red.deploy(flow);
      const fail = (error: Error): never => {
        throw new Error(
          `${error.message}\nlog: ${suite.red.log}\ncomms: ${JSON.stringify(suite.red.comms).slice(-2000)}`,
        );
      };
      const tiles = async () =>
        (
          (await fetch(`http://127.0.0.1:${suite.enginePort}/stats`)
            .then((r) => r.json())
            .catch(() => ({ tiles: [] }))) as { tiles: { camera: string; state: string }[] }
        ).tiles;
      await waitFor(
        'the good camera live',
        async () => (await tiles()).some((t) => t.camera === 'good' && t.state === 'live'),
        20000,
      ).catch(fail);
      await suite.red.inject('h-inject');
      await waitFor(
        'the unknown command caught',
        () => suite.red.debugOf('h-caught').some((m) => /command/.test(m)),
        5000,
      ).catch(fail);
      await sleep(seconds * 1000); // the function keeps throwing, the mangled camera keeps failing

      assert.equal(suite.red.alive, true, `Node-RED exited; log: ${suite.red.log}`);
      assert.match(
        suite.red.printed,
        /a user function that throws on every message/,
        "the function's error reaches Node-RED's log",
      );
      await waitFor(
        'the status to name the undecodable camera',
        () => /offline: .*odd/.test(suite.red.statusOf('h-status') ?? ''),
        15000,
      ).catch(fail);
      const snapshot = await fetch(`http://127.0.0.1:${suite.enginePort}/snapshot.jpg`);
      assert.equal(snapshot.status, 200, 'the mosaic is still served');
      assert.equal(
        (await tiles()).find((t) => t.camera === 'good')?.state,
        'live',
        'the good camera still plays',
      );
      const stats = (await (await fetch(`http://127.0.0.1:${suite.enginePort}/stats`)).json()) as {
        cameras: { name: string; errors: number }[];
      };
      const mangled = stats.cameras.find((c) => c.name === 'mangled');
      assert.ok(
        (mangled?.errors ?? 0) > 0,
        `the mangled camera's decoder failed (errors: ${mangled?.errors})`,
      );
    });
  });
}

describe('host safety in Homebridge', { timeout: 120_000 }, () => {
  let homebridge: HomebridgeProcess;

  before(async () => {
    homebridge = await HomebridgeProcess.start({
      platform: {
        name: 'Camera Mosaic',
        cameras: mosaicCameras(),
        output: { width: 480, height: 180, fps: 25, bitrate: 300000, gop: 25 },
        layout: { preset: 'grid', rows: 1, columns: 3 },
      },
    });
  });

  after(async () => {
    await homebridge?.dispose();
  });

  test('failing cameras: Homebridge stays up, and its log names the camera and why', async () => {
    await homebridge.waitForLog(/\[stitcher\] started/, 30_000);
    await homebridge.waitForLog(/camera odd .*cannot be reached/, 15_000);
    await sleep(seconds * 1000);
    assert.equal(homebridge.alive, true, `Homebridge exited; log tail:\n${homebridge.tail()}`);
    assert.ok(proxy.counters.flippedPackets > 0, 'the mangled camera was mangled');
    assert.match(homebridge.log, /camera good: live/);
  });
});
