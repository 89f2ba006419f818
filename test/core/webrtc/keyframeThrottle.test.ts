import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeyframeThrottle } from '../../../src/core/webrtc/keyframeThrottle';
import { sleep } from '../../helpers/wait';

describe('KeyframeThrottle', () => {
  it('forwards the first request at once and merges a burst into one at the end of the window', async () => {
    const sent: number[] = [];
    const started = Date.now();
    const throttle = new KeyframeThrottle(() => sent.push(Date.now() - started), 200);
    for (let i = 0; i < 50; i++) throttle.request();
    assert.equal(sent.length, 1);
    await sleep(300);
    assert.equal(sent.length, 2, 'the burst is answered, not dropped');
    assert.ok(sent[1] >= 190, `the second keyframe came ${sent[1]} ms after the first`);
    assert.equal(throttle.coalesced, 48);
    throttle.close();
  });

  it('a request every 10 ms for 1 s forwards about one per window', async () => {
    let sent = 0;
    const throttle = new KeyframeThrottle(() => sent++, 250);
    const started = Date.now();
    while (Date.now() - started < 1000) {
      throttle.request();
      await sleep(10);
    }
    throttle.close();
    assert.ok(sent >= 4 && sent <= 6, `${sent} forwarded`);
  });

  it('close() drops a pending request', async () => {
    let sent = 0;
    const throttle = new KeyframeThrottle(() => sent++, 100);
    throttle.request();
    throttle.request();
    throttle.close();
    await sleep(150);
    throttle.request();
    assert.equal(sent, 1);
  });
});
