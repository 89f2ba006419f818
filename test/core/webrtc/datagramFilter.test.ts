import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { judgeDatagram, parseRecords, type SessionView } from '../../../src/core/webrtc/datagramFilter';
import { dtlsRecord } from '../../issue/18-network-peer';

const selected: [string, number] = ['127.0.0.1', 40000];

/** A session whose selected pair is `selected`, with DTLS up or not, and keys that sign only `signed`. */
function session(dtlsConnected: boolean, signed?: Buffer): SessionView {
  return {
    acceptsFrom: (address, port) => address === selected[0] && port === selected[1],
    dtlsConnected: () => dtlsConnected,
    authenticates: (record) => signed !== undefined && record.fragment.equals(signed),
  };
}

const stunBindingRequest = Buffer.concat([Buffer.from([0x00, 0x01, 0x00, 0x00]), Buffer.alloc(16)]);
const srtp = Buffer.concat([Buffer.from([0x80, 0x60]), Buffer.alloc(30)]);
const alertAtEpoch0 = dtlsRecord(21, 0, 1, Buffer.from([1, 0]));
const signedAlert = Buffer.alloc(26, 9);
const handshake = dtlsRecord(22, 0, 1, Buffer.alloc(20));
const applicationData = dtlsRecord(23, 1, 5, Buffer.alloc(40));

describe('judgeDatagram', () => {
  const rows: {
    name: string;
    data: Buffer;
    from?: [string, number];
    connected: boolean;
    verdict?: string;
  }[] = [
    {
      name: 'STUN from anywhere (ICE checks)',
      data: stunBindingRequest,
      from: ['127.0.0.1', 5],
      connected: true,
    },
    { name: 'SRTP from the selected pair', data: srtp, connected: true },
    {
      name: 'SRTP from another port',
      data: srtp,
      from: ['127.0.0.1', 40001],
      connected: true,
      verdict: 'address',
    },
    {
      name: 'DTLS from another address',
      data: handshake,
      from: ['127.0.0.2', 40000],
      connected: false,
      verdict: 'address',
    },
    { name: 'a handshake before DTLS is up', data: handshake, connected: false },
    { name: 'an alert before DTLS is up (a failed handshake)', data: alertAtEpoch0, connected: false },
    { name: 'an alert at epoch 0 once DTLS is up', data: alertAtEpoch0, connected: true, verdict: 'alert' },
    {
      name: 'an unsigned alert at epoch 1',
      data: dtlsRecord(21, 1, 7, Buffer.from([1, 0])),
      connected: true,
      verdict: 'alert',
    },
    {
      name: 'a signed alert at epoch 1 (a real close)',
      data: dtlsRecord(21, 1, 7, signedAlert),
      connected: true,
    },
    {
      name: 'a record type DTLS does not have',
      data: dtlsRecord(63, 0, 1, Buffer.alloc(2)),
      connected: false,
      verdict: 'recordtype',
    },
    {
      name: 'an alert hidden after application data in one datagram',
      data: Buffer.concat([applicationData, alertAtEpoch0]),
      connected: true,
      verdict: 'alert',
    },
    {
      name: 'a record cut short',
      data: alertAtEpoch0.subarray(0, 14),
      connected: true,
      verdict: 'malformed',
    },
    { name: 'an empty datagram', data: Buffer.alloc(0), connected: true, verdict: 'malformed' },
  ];
  for (const { name, data, from = selected, connected, verdict } of rows) {
    it(`${name} → ${verdict ?? 'passed to werift'}`, () => {
      assert.equal(judgeDatagram(data, from[0], from[1], session(connected, signedAlert)), verdict);
    });
  }
});

describe('parseRecords', () => {
  it('reads each record of a datagram with its epoch and 48-bit sequence number', () => {
    const records = parseRecords(Buffer.concat([handshake, dtlsRecord(21, 1, 2 ** 40 + 3, signedAlert)]));
    assert.deepEqual(
      records?.map((r) => [r.contentType, r.epoch, r.sequenceNumber, r.fragment.length]),
      [
        [22, 0, 1, 20],
        [21, 1, 2 ** 40 + 3, 26],
      ],
    );
  });
});
