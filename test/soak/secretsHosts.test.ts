import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort, startCameras, type RtspCamera } from '../fixtures/rtspCamera';
import { HomebridgeProcess } from '../helpers/homebridgeRunner';
import { keptOutputChars, nodeRedVersions, startedNodeRed } from '../helpers/nodeRedRuntime';
import { sleep, waitFor } from '../helpers/wait';
import { fullSoak } from './soakScale';

// Secrets in the two host faces (secrets.test.ts covers the CLI and HTTP ones): unique passwords
// planted in the camera logins and an output URL, and a unique token, given to a real Node-RED
// (as the mosaic-engine node's credentials) and a real Homebridge (its platform block). One camera
// answers 401 to a wrong, planted password, so the error paths run. Everything a user can see is
// captured — the host's log, Node-RED's status and debug messages (/comms), the flows as the admin
// API serves them and as saved, the node's credentials as the editor gets them, the mosaic's /stats
// — and none of the planted strings appears in it.
const planted = {
  camera: 'cam-pw-hosts-7c3e91d2',
  wrong: 'wrong-pw-hosts-2a6f04b8',
  output: 'pub-pw-hosts-9d15e7a3',
  token: 'tok-hosts-61b0c8f4e2',
};
let cameras: RtspCamera[] = [];

before(async () => {
  cameras = await startCameras([
    { colour: 'ff0000', width: 320, height: 180, user: 'viewer', password: planted.camera },
    { colour: '0000ff', width: 320, height: 180, user: 'viewer', password: planted.camera },
  ]);
});

after(async () => {
  await Promise.all(cameras.map((c) => c.stop()));
});

/** `rtsp://127.0.0.1:<port>/cam`, no login (Node-RED keeps the login in the credentials). */
const bareUrl = (camera: RtspCamera) => `rtsp://127.0.0.1:${camera.port}/cam`;

function assertNoSecrets(face: string, captured: string, except: (keyof typeof planted)[] = []): void {
  for (const [what, secret] of Object.entries(planted)) {
    if (except.includes(what as keyof typeof planted)) continue;
    const at = captured.indexOf(secret);
    assert.ok(
      at < 0,
      `${face}: the ${what} secret leaked: …${captured.slice(Math.max(0, at - 200), at + 60)}…`,
    );
  }
}

type FlowNode = Record<string, unknown> & { id: string; type: string };

// Node-RED 4 on this Node.js in npm test; Node-RED 5 on Node 22 as well in the full soak.
for (const version of fullSoak ? nodeRedVersions : nodeRedVersions.slice(0, 1)) {
  describe(`secrets in ${version.label}`, { timeout: 120_000 }, () => {
    const suite = startedNodeRed(version);

    test('no planted secret in the log, status, debug, /flows, the flows file or /stats', async () => {
      const ids = {
        tab: 's-tab',
        engine: 's-engine',
        status: 's-status',
        changes: 's-changes',
        stats: 's-stats',
        inject: 's-inject',
      };
      const debug = (id: string, name: string): FlowNode => ({
        id,
        type: 'debug',
        z: ids.tab,
        name,
        active: true,
        tosidebar: true,
        console: true,
        tostatus: true,
        complete: 'true',
        targetType: 'full',
        statusVal: 'payload',
        statusType: 'auto',
        wires: [],
      });
      const flow: FlowNode[] = [
        { id: ids.tab, type: 'tab', label: 'secrets' },
        {
          id: ids.engine,
          type: 'mosaic-engine',
          name: 'secrets',
          cameras: [
            { name: 'good', url: bareUrl(cameras[0]), transport: 'tcp' },
            { name: 'refused', url: bareUrl(cameras[1]), transport: 'tcp' },
          ],
          width: '320',
          height: '180',
          fps: '25',
          bitrate: '300000',
          staleTimeoutMs: '5000',
          layout: '{"preset": "grid", "rows": 1, "columns": 2}',
          port: String(suite.enginePort),
          host: '127.0.0.1',
          // As the editor sends what a user typed into the credential fields.
          credentials: {
            users: JSON.stringify({ good: 'viewer', refused: 'viewer' }),
            passwords: JSON.stringify({ good: planted.camera, refused: planted.wrong }),
            token: planted.token,
            outputs: JSON.stringify([
              { type: 'rtsp', url: `rtsp://pub:${planted.output}@127.0.0.1:${await freePort()}/mosaic` },
            ]),
          },
        },
        {
          id: ids.status,
          type: 'mosaic-status',
          z: ids.tab,
          name: '',
          engine: ids.engine,
          interval: '1',
          wires: [[ids.changes], [ids.stats]],
        },
        debug(ids.changes, 'changes'),
        debug(ids.stats, 'stats'),
        {
          id: ids.inject,
          type: 'inject',
          z: ids.tab,
          name: 'stats now',
          props: [{ p: 'payload' }],
          repeat: '',
          once: false,
          topic: '',
          payload: '',
          payloadType: 'date',
          wires: [[ids.status]],
        },
      ];
      await suite.red.deploy(flow);
      const changes = () => suite.red.debugOf(ids.changes).join('\n');
      await waitFor(
        "the good camera live and the refused one's 401",
        () => /good/.test(changes()) && /live/.test(changes()) && /401|unauthori[sz]ed/i.test(changes()),
        20000,
      ).catch((error: Error) => {
        throw new Error(
          `${error.message}\ndebug: ${changes()}\ncomms: ${JSON.stringify(suite.red.comms).slice(-3000)}\nlog: ${suite.red.log}`,
        );
      });
      await suite.red.inject(ids.inject);
      await waitFor('stats in the debug sidebar', () => suite.red.debugOf(ids.stats).length > 0, 5000);
      await sleep(1500); // a few more stats messages, an output retry or two

      const stats = await fetch(`http://127.0.0.1:${suite.enginePort}/stats`, {
        headers: { Authorization: `Bearer ${planted.token}` },
      });
      assert.equal(stats.status, 200);
      const statsText = await stats.text();
      assert.equal(
        (await fetch(`http://127.0.0.1:${suite.enginePort}/stats`)).status,
        401,
        'the token guards /stats',
      );
      const flows = JSON.stringify(await suite.red.get<unknown>('/flows'));
      const editorCredentials = JSON.stringify(
        await suite.red.get<unknown>(`/credentials/mosaic-engine/${ids.engine}`),
      );
      await suite.red.stop();
      const flowsFile = readFileSync(join(suite.red.userDir, 'flows.json'), 'utf8');
      // The runtime keeps the last keptOutputChars characters it printed; `log` shows only 4,000.
      const log = (suite.red as unknown as { output: string }).output;
      const comms = JSON.stringify(suite.red.comms);
      if (process.env.SECRETS_SHOW_LOG) process.stdout.write(`${log}\n${comms}\n${statsText}\n`);
      process.stdout.write(
        `# secrets ${version.label}: log ${log.length} chars, comms ${suite.red.comms.length} messages, flows ${flows.length} chars, /stats ${statsText.length} chars\n`,
      );

      assert.ok(/viewer:\*\*\*@|\*\*\*/.test(comms + log + statsText), 'URLs appear, masked');
      assert.ok(
        log.length < keptOutputChars,
        "the log fits the runtime's buffer: nothing was dropped unread",
      );
      for (const [face, text] of Object.entries({ log, comms, flows, flowsFile, stats: statsText })) {
        assertNoSecrets(`Node-RED ${face}`, text);
      }
      // What the editor gets back when it opens the node: passwords and the token never. The
      // outputs credential is a `text` one (editable JSON), so a login in a publish URL does come
      // back to the editor, by design; it stays out of the flow file and the logs.
      assertNoSecrets('Node-RED GET /credentials', editorCredentials, ['output']);
    });
  });
}

describe('secrets in Homebridge', { timeout: 120_000 }, () => {
  let homebridge: HomebridgeProcess;

  before(async () => {
    homebridge = await HomebridgeProcess.start({
      platform: {
        name: 'Camera Mosaic',
        cameras: [
          { name: 'good', url: cameras[0].url },
          { name: 'refused', url: cameras[1].url.replace(planted.camera, planted.wrong) },
        ],
        output: { width: 320, height: 180, fps: 25, bitrate: 300000, gop: 25 },
        outputs: [{ type: 'rtsp', url: `rtsp://pub:${planted.output}@127.0.0.1:${await freePort()}/mosaic` }],
      },
    });
  });

  after(async () => {
    await homebridge?.dispose();
  });

  test('no planted secret in its log (debug level), the 401 camera included', async () => {
    const waitForLog = (pattern: RegExp, timeoutMs: number) =>
      homebridge.waitForLog(pattern, timeoutMs).catch((error: Error) => {
        throw new Error(`${error.message}\nlog tail:\n${homebridge.tail()}`);
      });
    await waitForLog(/\[stitcher\] started/, 30_000);
    await waitForLog(/camera good: live/, 15_000);
    await waitForLog(/refused.*(401|unauthori[sz]ed)/i, 15_000);
    await sleep(1500); // an output retry or two
    await homebridge.stop();
    const log = homebridge.log;
    process.stdout.write(`# secrets Homebridge: log ${log.length} chars\n`);
    if (process.env.SECRETS_SHOW_LOG) process.stdout.write(log);
    assert.ok(/viewer:\*\*\*@/.test(log), `URLs appear, masked; log tail:\n${homebridge.tail()}`);
    assertNoSecrets('Homebridge log', log);
  });
});
