/**
 * The editor side, in headless Chromium against a real Node-RED 4 and 5: the palette, each node's help
 * (Inputs, Outputs, Details), the editor's validation, and the mosaic-engine dialog's camera list
 * with credentials (a user shown back, a password kept without ever reaching the browser; typing
 * one camera's password keeps the others', proven by real RTSP cameras that require them).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startCameras, type RtspCamera } from '../fixtures/rtspCamera';
import { freePort, nodeRedVersions, NodeRedRuntime } from '../helpers/nodeRedRuntime';
import { waitFor } from '../helpers/wait';

const chromiumPath = '/usr/bin/chromium';
const example = join(__dirname, '..', '..', '..', 'examples', 'focus-on-motion.json');

for (const version of nodeRedVersions) {
  describe(version.label, () => {
    let red: NodeRedRuntime | undefined;
    let browser: Browser | undefined;
    let page: Page;
    let engineId = '';
    // A second engine whose two cameras each need their own password.
    const lockedId = 'e0c0ffee00000001';
    let lockedPort = 0;
    let lockedCameras: RtspCamera[] = [];
    const pageErrors: string[] = [];

    before(async () => {
      // A missing browser fails every test here with this reason; none passes by skipping.
      if (!existsSync(chromiumPath))
        throw new Error(`no ${chromiumPath}: apt-get install chromium (scripts/setup.sh does)`);
      red = new NodeRedRuntime({
        ...(await version.runtime()),
        port: await freePort(),
      });
      await red.start();
      const enginePort = await freePort();
      const flow: Record<string, unknown>[] = (
        JSON.parse(readFileSync(example, 'utf8')) as Record<string, unknown>[]
      ).map((node) =>
        node['type'] === 'mosaic-engine'
          ? {
              ...node,
              port: String(enginePort),
              host: '127.0.0.1',
              width: '640',
              height: '360',
              credentials: { users: '{"door":"admin"}', passwords: '{"door":"pw-kept"}' },
            }
          : { ...node, z: 'tab' },
      );
      engineId = String(flow.find((n) => n['type'] === 'mosaic-engine')?.['id']);
      lockedCameras = await startCameras([
        { colour: 'ff0000', width: 320, height: 180, user: 'admin', password: 'front-pw' },
        { colour: '0000ff', width: 320, height: 180, user: 'admin', password: 'back-pw' },
      ]);
      lockedPort = await freePort();
      const locked = [
        {
          id: lockedId,
          type: 'mosaic-engine',
          name: 'locked',
          // The URLs without their login: user and password come from the dialog.
          cameras: ['front', 'back'].map((name, i) => ({
            name,
            url: lockedCameras[i].url.replace(/\/\/[^@/]*@/, '//'),
            transport: 'tcp',
          })),
          width: '320',
          height: '180',
          port: String(lockedPort),
          host: '127.0.0.1',
          credentials: { users: '{"front":"admin","back":"admin"}' },
        },
        {
          id: 'e0c0ffee00000002',
          type: 'mosaic-status',
          name: 'locked status',
          engine: lockedId,
          mosaic: '',
          interval: '0',
          z: 'tab',
          wires: [[], [], []],
        },
      ];
      await red.deploy([{ id: 'tab', type: 'tab', label: 'example' }, ...flow, ...locked]);
      browser = await chromium.launch({
        executablePath: chromiumPath,
        headless: true,
        args: ['--no-sandbox', '--disable-gpu'],
      });
      page = await browser.newPage();
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await page.goto(red.url);
      await page.waitForFunction(
        'window.RED && RED.nodes && RED.nodes.getType("mosaic-control") && RED.nodes.node("c0a1f0c5e1000004")',
        null,
        {
          timeout: 30000,
        },
      );
    });

    after(async () => {
      await browser?.close();
      await red?.dispose();
      await Promise.all(lockedCameras.map((camera) => camera.stop()));
    });

    /** Opens a mosaic-engine node's dialog and waits for its camera rows. */
    async function openEngineDialog(id: string, cameras: number): Promise<void> {
      await page.evaluate(`RED.editor.editConfig('', 'mosaic-engine', '${id}')`);
      // The list is there a moment before oneditprepare makes it an editableList.
      await page.waitForFunction(
        `(() => { try { return $('#node-config-input-cameras-list').editableList('items').length === ${cameras}; } catch (e) { return false; } })()`,
        null,
        { timeout: 10000 },
      );
    }

    /** Cancel, and wait until the dialog is gone (a next one would otherwise find its list). */
    async function cancelDialog(): Promise<void> {
      await page.click('#node-config-dialog-cancel');
      await page.waitForFunction(`$('#node-config-input-cameras-list').length === 0`, null, {
        timeout: 5000,
      });
    }

    /** Done, then Deploy, as a user clicks them. */
    async function saveAndDeploy(): Promise<void> {
      await page.click('#node-config-dialog-ok');
      await page.waitForFunction(`!$('#red-ui-header-button-deploy').hasClass('disabled')`, null, {
        timeout: 5000,
      });
      await page.click('#red-ui-header-button-deploy');
    }

    interface LockedStats {
      uptime_ms: number;
      cameras: { name: string; state: string }[];
    }

    /**
     * The locked engine's cameras once an engine started after `since` (ms) answers with both
     * live: a camera without its password stays offline.
     */
    async function bothLiveAfter(since: number): Promise<LockedStats> {
      let last = 'no answer';
      try {
        return await waitFor(
          'both password-protected cameras live',
          async () => {
            const response = await fetch(`http://127.0.0.1:${lockedPort}/stats`).catch(() => undefined);
            if (!response?.ok) return undefined;
            const stats = (await response.json()) as LockedStats;
            last = JSON.stringify(stats.cameras.map(({ name, state }) => ({ name, state })));
            const fresh = Date.now() - stats.uptime_ms >= since;
            return fresh && stats.cameras.every((c) => c.state === 'live') ? stats : undefined;
          },
          20000,
          250,
        );
      } catch (error) {
        throw new Error(`${(error as Error).message}; last seen ${last}`);
      }
    }

    test('the palette shows the three nodes under "camera mosaic", each with its help', async () => {
      const found =
        await page.evaluate(`['mosaic-control', 'mosaic-status', 'mosaic-snapshot', 'mosaic-engine'].map((type) => {
      const help = document.querySelector('script[data-help-name="' + type + '"]');
      return { type, category: RED.nodes.getType(type).category, help: help ? help.innerHTML : '' };
    })`);
      for (const { type, category, help } of found as { type: string; category: string; help: string }[]) {
        assert.equal(category, type === 'mosaic-engine' ? 'config' : 'camera mosaic', type);
        if (type !== 'mosaic-engine') {
          for (const heading of ['Inputs', 'Outputs', 'Details'])
            assert.ok(help.includes(`<h3>${heading}</h3>`), `${type} help has ${heading}`);
        } else {
          assert.ok(help.includes('<h3>Details</h3>') && help.includes('credentials'), 'mosaic-engine help');
        }
      }
      const inPalette = await page.evaluate(
        `[...document.querySelectorAll('.red-ui-palette-node[data-palette-type^="mosaic-"]')].map((e) => e.getAttribute('data-palette-type')).sort()`,
      );
      assert.deepEqual(inPalette, ['mosaic-control', 'mosaic-snapshot', 'mosaic-status']);
      assert.deepEqual(pageErrors, []);
    });

    test('the editor validates the properties as the runtime schema does', async () => {
      const checks = (await page.evaluate(`(() => {
      const engine = RED.nodes.getType('mosaic-engine').defaults;
      const snapshot = RED.nodes.getType('mosaic-snapshot').defaults;
      const status = RED.nodes.getType('mosaic-status').defaults;
      const ok = (field, value) => field.validate.call({}, value);
      return {
        deployedValid: RED.nodes.node('${engineId}').valid && RED.nodes.node('c0a1f0c5e1000004').valid,
        evenWidth: ok(engine.width, '640'), oddWidth: ok(engine.width, '641'), emptyWidth: ok(engine.width, ''),
        badUrl: ok(engine.cameras, [{ name: 'a', url: 'http://x' }]), badName: ok(engine.cameras, [{ name: 'a b', url: 'demo:x' }]),
        passwordInUrl: ok(engine.cameras, [{ name: 'a', url: 'rtsp://admin:secret@cam/1' }]), userInUrl: ok(engine.cameras, [{ name: 'a', url: 'rtsp://admin@cam/1' }]),
      duplicate: ok(engine.cameras, [{ name: 'a', url: 'demo:x' }, { name: 'a', url: 'demo:y' }]),
        badLayout: ok(engine.layout, '{preset'), goodLayout: ok(engine.layout, '{"preset":"grid"}'),
        port0: ok(engine.port, '0'), quality: ok(snapshot.quality, '101'), oddSnapshot: ok(snapshot.width, '333'),
        negativeInterval: ok(status.interval, '-1'),
        passwordInSubUrl: ok(engine.cameras, [{ name: 'a', url: 'rtsp://cam/1', subUrl: 'rtsp://admin:secret@cam/2' }]),
        goodSubUrl: ok(engine.cameras, [{ name: 'a', url: 'rtsp://cam/1', subUrl: 'rtsp://admin@cam/2', title: 'Door' }]),
        badSubUrl: ok(engine.cameras, [{ name: 'a', url: 'rtsp://cam/1', subUrl: 'http://cam/2' }]),
        goodMosaics: ok(engine.mosaics, '[{"name":"kitchen"}]'), mosaicsObject: ok(engine.mosaics, '{"name":"kitchen"}'),
        goodLabels: ok(engine.labels, '{"names":true}'), badLabels: ok(engine.labels, '[true]'),
        goodMosaicName: ok(RED.nodes.getType('mosaic-control').defaults.mosaic, 'hall'),
        badMosaicName: ok(snapshot.mosaic, 'Hall'), emptyMosaicName: ok(status.mosaic, ''),
        statusOutputs: RED.nodes.getType('mosaic-status').outputs,
      };
    })()`)) as Record<string, boolean>;
      assert.deepEqual(checks, {
        deployedValid: true,
        evenWidth: true,
        oddWidth: false,
        emptyWidth: true,
        badUrl: false,
        badName: false,
        passwordInUrl: false,
        userInUrl: true,
        duplicate: false,
        badLayout: false,
        goodLayout: true,
        port0: false,
        quality: false,
        oddSnapshot: false,
        negativeInterval: false,
        passwordInSubUrl: false,
        goodSubUrl: true,
        badSubUrl: false,
        goodMosaics: true,
        mosaicsObject: false,
        goodLabels: true,
        badLabels: false,
        goodMosaicName: true,
        badMosaicName: false,
        emptyMosaicName: true,
        statusOutputs: 3,
      });
    });

    test('the engine dialog lists the cameras with their users; a saved edit keeps the stored password', async () => {
      assert.ok(red);
      await page.evaluate(`RED.editor.editConfig('', 'mosaic-engine', '${engineId}')`);
      await page.waitForFunction(
        `$('#node-config-input-cameras-list').length && $('#node-config-input-cameras-list').editableList('items').length === 4`,
        null,
        { timeout: 10000 },
      );
      const rows =
        (await page.evaluate(`$('#node-config-input-cameras-list').editableList('items').map(function () {
      const row = $(this);
      return { name: row.find('.camera-name').val(), user: row.find('.camera-user').val(),
        password: row.find('.camera-password').val(), placeholder: row.find('.camera-password').attr('placeholder') };
    }).get()`)) as { name: string; user: string; password: string; placeholder: string }[];
      assert.deepEqual(rows[0], {
        name: 'door',
        user: 'admin',
        password: '',
        placeholder: 'password: unchanged',
      });
      assert.equal(rows[1].user, '');
      await page.evaluate(`$('#node-config-input-cameras-list .camera-user').eq(1).val('bob')`);
      // The substream, label text and motion settings of a camera, as a user types them.
      await page.evaluate(`(() => {
      const list = $('#node-config-input-cameras-list');
      list.find('.camera-suburl').eq(0).val('demo:color?c=red&size=320x180&rate=25');
      list.find('.camera-title').eq(0).val('Front door');
      list.find('.camera-sensitivity').eq(1).val('70');
      list.find('.camera-masks').eq(1).val('[{"x":0,"y":0,"width":0.5,"height":0.1}]');
      list.find('.camera-motion').eq(3).prop('checked', false);
    })()`);
      await page.click('#node-config-dialog-ok');
      await page.waitForFunction(`!$('#red-ui-header-button-deploy').hasClass('disabled')`, null, {
        timeout: 5000,
      });
      await page.click('#red-ui-header-button-deploy');
      // GET /flows answers the array (API v1) or {rev, flows} (v2, Node-RED 5's default).
      const runtime = red; // narrowed by the assert above, which closures do not see
      const deployedCameras = async (): Promise<Record<string, unknown>[]> => {
        const body = await runtime.get<Record<string, unknown>[] | { flows: Record<string, unknown>[] }>(
          '/flows',
        );
        const flows = Array.isArray(body) ? body : body.flows;
        return (flows.find((n) => n['id'] === engineId)?.['cameras'] ?? []) as Record<string, unknown>[];
      };
      // Node-RED 5 can show a deploy's credentials a moment before its flows: the deploy is
      // done when both have the edit (the new user, the substream typed in).
      const { credentials, cameras } = await waitFor(
        'the edit deployed',
        async () => {
          const stored = await red?.get<{ users?: string; has_passwords?: boolean }>(
            `/credentials/mosaic-engine/${engineId}`,
          );
          const deployed = await deployedCameras();
          return stored?.users?.includes('bob') && deployed[0]?.['subUrl'] !== undefined
            ? { credentials: stored, cameras: deployed }
            : undefined;
        },
        15000,
        300,
      );
      assert.deepEqual(JSON.parse(String(credentials.users)), { door: 'admin', garden: 'bob' });
      assert.equal(cameras[0]['subUrl'], 'demo:color?c=red&size=320x180&rate=25');
      assert.equal(cameras[0]['title'], 'Front door');
      assert.equal(cameras[0]['motion'], undefined, 'defaults are not written out');
      assert.deepEqual(cameras[1]['motion'], {
        sensitivity: 70,
        masks: [{ x: 0, y: 0, width: 0.5, height: 0.1 }],
      });
      assert.deepEqual(cameras[3]['motion'], { enabled: false });
      assert.equal(credentials.has_passwords, true, 'the password typed before is kept');
      assert.ok(!JSON.stringify(credentials).includes('pw-kept'), 'the editor never receives a password');
      assert.deepEqual(pageErrors, []);
    });
    test('the camera list grows with the dialog and shows more than one camera', async () => {
      await page.setViewportSize({ width: 1280, height: 900 });
      await openEngineDialog(engineId, 4);
      const visibleRows = async (): Promise<{ rows: number; height: number; rowHeight: number }> =>
        (await page.evaluate(`(() => {
          const box = $('#node-config-input-cameras-list').closest('.red-ui-editableList-container')[0].getBoundingClientRect();
          const rows = $('#node-config-input-cameras-list').editableList('items').filter(function () {
            const r = $(this)[0].getBoundingClientRect();
            return r.top >= box.top - 1 && r.bottom <= box.bottom + 1;
          }).length;
          const first = $($('#node-config-input-cameras-list').editableList('items')[0])[0].getBoundingClientRect();
          return { rows, height: Math.round(box.height), rowHeight: Math.round(first.height) };
        })()`)) as { rows: number; height: number; rowHeight: number };
      const small = await visibleRows();
      assert.ok(
        small.rows >= 2,
        `${small.rows} whole camera rows (${small.rowHeight} px each) visible in a ${small.height} px list`,
      );
      await page.setViewportSize({ width: 1280, height: 1600 });
      const tall = await waitFor(
        'the list to grow with the dialog',
        async () => {
          const now = await visibleRows();
          return now.height > small.height + 150 ? now : undefined;
        },
        5000,
        100,
      );
      assert.ok(
        tall.rows > small.rows,
        `${tall.rows} rows in ${tall.height} px, ${small.rows} in ${small.height} px`,
      );
      await cancelDialog();
      await page.setViewportSize({ width: 1280, height: 900 });
    });

    test('an empty "Publish to" is valid; JSON that does not parse is not', async () => {
      await openEngineDialog(engineId, 4);
      const outlined = async (value: string): Promise<boolean> =>
        (await page.evaluate(`(() => {
          const field = $('#node-config-input-outputs');
          field.typedInput('value', ${JSON.stringify(value)});
          field.next('.red-ui-typedInput-container').find('input').trigger('keyup').trigger('change');
          return field.next('.red-ui-typedInput-container').hasClass('input-error') || field.hasClass('input-error');
        })()`)) as boolean;
      assert.equal(await outlined(''), false, 'empty');
      assert.equal(await outlined('[{"type":'), true, 'broken JSON');
      assert.equal(await outlined('[{"type":"rtp","host":"janus","port":5004}]'), false, 'a list');
      assert.equal(await outlined(''), false, 'emptied again');
      const empty = (await page.evaluate(
        `RED.nodes.getType('mosaic-engine').credentials.outputs.validate('')`,
      )) as boolean;
      assert.equal(empty, true, 'the node validates an empty field');
      await cancelDialog();
    });

    test("typing one camera's password keeps the other's: both cameras play after the redeploy", async () => {
      assert.ok(red);
      // Both passwords typed in, as a new user does.
      await openEngineDialog(lockedId, 2);
      await page.evaluate(`(() => {
          const passwords = $('#node-config-input-cameras-list .camera-password');
          passwords.eq(0).val('front-pw');
          passwords.eq(1).val('back-pw');
        })()`);
      let since = Date.now();
      await saveAndDeploy();
      await bothLiveAfter(since);

      // Later, only the first camera's password typed again (with its label changed).
      await openEngineDialog(lockedId, 2);
      const placeholders = (await page.evaluate(
        `$('#node-config-input-cameras-list .camera-password').map(function () { return $(this).attr('placeholder'); }).get()`,
      )) as string[];
      assert.deepEqual(placeholders, ['password: unchanged', 'password: unchanged']);
      await page.evaluate(`(() => {
          const list = $('#node-config-input-cameras-list');
          list.find('.camera-password').eq(0).val('front-pw');
          list.find('.camera-title').eq(0).val('Front');
        })()`);
      since = Date.now();
      await saveAndDeploy();
      const stats = await bothLiveAfter(since);
      assert.deepEqual(
        stats.cameras.map((c) => c.name),
        ['front', 'back'],
      );
      const stored = await red.get<Record<string, unknown>>(`/credentials/mosaic-engine/${lockedId}`);
      const text = JSON.stringify(stored);
      assert.ok(
        !text.includes('front-pw') && !text.includes('back-pw'),
        'the editor never receives a password',
      );

      // A camera removed takes its password with it; the other keeps playing.
      const backSlot = (await page.evaluate(
        `RED.nodes.node('${lockedId}').cameras[1].passwordSlot`,
      )) as number;
      assert.equal(stored[`has_password${backSlot}`], true);
      await openEngineDialog(lockedId, 2);
      await page.evaluate(
        `$('#node-config-input-cameras-list').editableList('removeItem', RED.nodes.node('${lockedId}').cameras[1])`,
      );
      since = Date.now();
      await saveAndDeploy();
      const alone = await bothLiveAfter(since);
      assert.deepEqual(
        alone.cameras.map((c) => c.name),
        ['front'],
      );
      const after = await red.get<Record<string, unknown>>(`/credentials/mosaic-engine/${lockedId}`);
      assert.equal(after[`has_password${backSlot}`], false, "the removed camera's password is gone");
      assert.deepEqual(pageErrors, []);
    });
  });
}
