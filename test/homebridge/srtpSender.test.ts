import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, test } from 'node:test';
import {
  PictureLossIndication,
  ProtectionProfileAes128CmHmacSha1_80,
  RtcpPayloadSpecificFeedback,
  SrtcpSession,
} from 'werift';
import { createLogger } from '../../src/core/logger';
import type { AccessUnit } from '../../src/core/stitcher/stitcher';
import { SrtpSender, type SrtpSenderOptions } from '../../src/homebridge/srtpSender';
import { newSrtpKeys, SrtpReceiver, type SrtpKeys } from '../helpers/hapCamera';
import { sleep, waitFor } from '../helpers/wait';

/** The wire format of one HomeKit stream, against a receiver holding the controller's keys. */
const startCode = Buffer.from([0, 0, 0, 1]);
const nal = (header: number, size: number) =>
  Buffer.concat([startCode, Buffer.from([header]), Buffer.alloc(size - 1, 0xab)]);
const keyframe = (pts: number): AccessUnit => ({
  data: Buffer.concat([nal(0x67, 10), nal(0x68, 4), nal(0x65, 4000)]),
  pts,
  keyframe: true,
});
const delta = (pts: number): AccessUnit => ({ data: nal(0x41, 600), pts, keyframe: false });

const silentLogger = createLogger('test', () => undefined);
const open: { sender: SrtpSender; receiver: SrtpReceiver }[] = [];

afterEach(() => {
  for (const { sender, receiver } of open.splice(0)) {
    sender.close();
    receiver.close();
  }
});

async function pair(
  overrides: Partial<Omit<SrtpSenderOptions, 'socket' | 'target'>> = {},
  keys: SrtpKeys = newSrtpKeys(),
): Promise<{ sender: SrtpSender; receiver: SrtpReceiver; socket: Socket }> {
  const receiver = new SrtpReceiver(keys);
  const port = await receiver.bind();
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const sender = new SrtpSender({
    socket,
    target: {
      address: '127.0.0.1',
      port,
      srtpKey: keys.key,
      srtpSalt: keys.salt,
      ssrc: 0xcafe,
      payloadType: 99,
      mtu: 1378,
    },
    rtcpIntervalMs: 200,
    inactivityTimeoutMs: 5000,
    logger: silentLogger,
    ...overrides,
  });
  open.push({ sender, receiver });
  return { sender, receiver, socket };
}

describe('SrtpSender', () => {
  test('starts on a keyframe, fits the MTU, keeps payload type, SSRC and the 90 kHz clock', async () => {
    const { sender, receiver } = await pair();
    sender.send(delta(0));
    sender.send(keyframe(3000));
    sender.send(delta(9000));
    await waitFor('packets', () => receiver.packets.length >= 5, 2000);
    await sleep(100);
    const { packets } = receiver;
    assert.equal(receiver.decryptErrors, 0);
    assert.ok(packets.every((p) => p.header.payloadType === 99 && p.header.ssrc === 0xcafe));
    assert.ok(
      packets.every((p) => p.serializeSize + 10 <= 1378),
      'RTP + SRTP tag within the MTU',
    );
    const timestamps = [...new Set(packets.map((p) => p.header.timestamp))];
    assert.equal(timestamps.length, 2, 'the delta before the keyframe was dropped');
    assert.equal((timestamps[1] - timestamps[0]) >>> 0, 6000);
    assert.equal(packets.filter((p) => p.header.marker).length, 2, 'marker on the last packet of each frame');
    const annexB = receiver.annexB();
    assert.ok(
      annexB.includes(Buffer.from([0, 0, 0, 1, 0x67])) && annexB.includes(Buffer.from([0, 0, 0, 1, 0x65])),
    );
  });

  test('sends SRTCP sender reports once media flows', async () => {
    const { sender, receiver } = await pair();
    sender.send(keyframe(0));
    await waitFor('a sender report', () => receiver.senderReports > 0, 2000);
  });

  test('reports an inactive controller, and not one that sends RTCP', async () => {
    const quiet = await pair({ inactivityTimeoutMs: 300 });
    quiet.receiver.silence();
    let quietInactive = false;
    quiet.sender.on('inactive', () => (quietInactive = true));
    const talking = await pair({ inactivityTimeoutMs: 1200 });
    let talkingInactive = false;
    talking.sender.on('inactive', () => (talkingInactive = true));
    talking.sender.send(keyframe(0)); // the receiver learns where to send its reports
    await sleep(2000);
    assert.equal(quietInactive, true);
    assert.equal(talkingInactive, false);
  });

  test('an event loop stalled past the inactivity timeout is not taken for a silent controller', async () => {
    // The test receiver reports every 500 ms.
    const talking = await pair({ inactivityTimeoutMs: 1200 });
    let inactive = false;
    talking.sender.on('inactive', () => (inactive = true));
    talking.sender.send(keyframe(0)); // the receiver learns where to send its reports
    await sleep(700);
    // Past the timeout without the event loop turning: the reports wait in the socket.
    const stalledUntil = Date.now() + 3000;
    while (Date.now() < stalledUntil) {
      // busy: nothing else in this process runs
    }
    await sleep(1500);
    assert.equal(inactive, false);
  });

  test('a PLI from the controller asks for a keyframe', async () => {
    const keys = newSrtpKeys();
    const { sender, receiver, socket } = await pair({}, keys);
    let requests = 0;
    sender.on('keyframerequest', () => (requests += 1));
    sender.send(keyframe(0));
    await waitFor('packets', () => receiver.packets.length > 0, 2000);
    const sessionKeys = {
      localMasterKey: keys.key,
      localMasterSalt: keys.salt,
      remoteMasterKey: keys.key,
      remoteMasterSalt: keys.salt,
    };
    const srtcp = new SrtcpSession({ keys: sessionKeys, profile: ProtectionProfileAes128CmHmacSha1_80 });
    const pli = new RtcpPayloadSpecificFeedback({
      feedback: new PictureLossIndication({ senderSsrc: 1, mediaSsrc: 0xcafe }),
    });
    const client = createSocket('udp4');
    client.send(srtcp.encrypt(pli.serialize()), socket.address().port, '127.0.0.1');
    await waitFor('keyframe request', () => requests > 0, 2000);
    client.close();
  });

  test('close() is idempotent and ends sending', async () => {
    const { sender, receiver } = await pair();
    let closes = 0;
    sender.on('close', () => (closes += 1));
    sender.send(keyframe(0));
    await waitFor('packets', () => receiver.packets.length > 0, 2000);
    sender.close();
    sender.close();
    const count = receiver.packets.length;
    sender.send(keyframe(3000));
    await sleep(300);
    assert.equal(receiver.packets.length, count);
    assert.equal(closes, 1);
    assert.equal(sender.isClosed, true);
  });
});
