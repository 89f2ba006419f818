import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { colourMosaicConfig } from '../helpers/colourMosaic';
import { waitFor } from '../helpers/wait';
import { CliRunner } from './18-cli';

// Issue 18, item 9: passwords outside `user:pass@` appeared verbatim in /stats and the logs.
const runner = new CliRunner();
after(() => runner.close());

test('/stats and the log show no query- or path-embedded camera password', async () => {
  const config = colourMosaicConfig(320, 180);
  // Cameras that never answer (port 9): their URLs show in /stats and in "cannot open" lines.
  config.cameras.push(
    { name: 'query', url: 'rtsp://127.0.0.1:9/live?user=admin&password=hunter2q&channel=1' },
    { name: 'path', url: 'rtsp://127.0.0.1:9/user=admin_password=hunter2p_channel=1_stream=0.sdp' },
  );
  const run = runner.start(config);
  const base = await run.url();
  const response = await fetch(`${base}/stats`);
  const body = await response.text();
  assert.equal(response.status, 200);
  assert.ok(!body.includes('hunter2'), body);
  assert.ok(body.includes('rtsp://127.0.0.1:9/live?user=admin&password=***&channel=1'), body);
  assert.ok(body.includes('rtsp://127.0.0.1:9/user=admin_password=***_channel=1_stream=0.sdp'), body);
  await waitFor('a log line about the camera', () => /query|path/.test(run.output()), 10_000);
  assert.ok(!run.output().includes('hunter2'), run.output());
});
