import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findParameterSets, profileLevelId } from '../../../src/core/rtsp/parameterSets';
import { RtspRequestReader, type RtspInput } from '../../../src/core/rtsp/rtspRequest';
import { parseTransport } from '../../../src/core/rtsp/transportHeader';

describe('RtspRequestReader', () => {
  const options = 'OPTIONS rtsp://h/x RTSP/1.0\r\nCSeq: 1\r\nUser-Agent: t\r\n\r\n';
  const setParameter = 'SET_PARAMETER rtsp://h/x RTSP/1.0\r\nCSeq: 2\r\nContent-Length: 5\r\n\r\nhello';
  const rtcp = Buffer.from([0x24, 1, 0, 3, 9, 9, 9]);
  const stream = Buffer.concat([Buffer.from(options), rtcp, Buffer.from(setParameter)]);

  const summary = (inputs: RtspInput[]) =>
    inputs.map((i) =>
      i.kind === 'request'
        ? `${i.request.method} ${i.request.cseq} ${i.request.body.toString()}`
        : i.kind === 'interleaved'
          ? `$${i.channel}:${i.data.length}`
          : `bad ${i.status}`,
    );

  it('reads pipelined requests and interleaved packets in one chunk', () => {
    assert.deepEqual(summary(new RtspRequestReader().push(stream)), [
      'OPTIONS 1 ',
      '$1:3',
      'SET_PARAMETER 2 hello',
    ]);
  });

  it('reads the same arriving a byte at a time', () => {
    const reader = new RtspRequestReader();
    const inputs: RtspInput[] = [];
    for (const byte of stream) inputs.push(...reader.push(Buffer.from([byte])));
    assert.deepEqual(summary(inputs), ['OPTIONS 1 ', '$1:3', 'SET_PARAMETER 2 hello']);
    assert.equal(reader.bufferedBytes, 0);
  });

  it('lower-cases header names and keeps values', () => {
    const [input] = new RtspRequestReader().push(Buffer.from(options));
    assert.equal(input.kind === 'request' && input.request.headers.get('user-agent'), 't');
  });

  it('after a bad request it reads nothing more', () => {
    const reader = new RtspRequestReader();
    assert.deepEqual(summary(reader.push(Buffer.from('HELLO\r\n\r\n'))), ['bad 400']);
    assert.deepEqual(reader.push(Buffer.from(options)), []);
  });

  it('echoes the CSeq of a request it refuses past the request line', () => {
    const [input] = new RtspRequestReader().push(Buffer.from('OPTIONS * RTSP/2.0\r\nCSeq: 7\r\n\r\n'));
    assert.deepEqual(input, { kind: 'bad', status: 505, reason: 'RTSP version not supported', cseq: '7' });
  });
});

describe('parseTransport', () => {
  const rows: [string, ReturnType<typeof parseTransport>][] = [
    ['RTP/AVP/TCP;unicast;interleaved=0-1', { kind: 'tcp', channels: [0, 1] }],
    ['RTP/AVP/TCP;unicast;interleaved=4', { kind: 'tcp', channels: [4, 5] }],
    ['RTP/AVP/TCP;unicast', { kind: 'tcp' }],
    ['RTP/AVP;unicast;client_port=5000-5001', { kind: 'udp', clientPorts: [5000, 5001] }],
    ['RTP/AVP/UDP;unicast;client_port=6000-6001;mode=play', { kind: 'udp', clientPorts: [6000, 6001] }],
    ['RTP/AVP;multicast;port=5000-5001,RTP/AVP/TCP;interleaved=2-3', { kind: 'tcp', channels: [2, 3] }],
    ['RTP/AVP;multicast;port=5000-5001', undefined],
    ['RTP/AVP;unicast', undefined],
    ['RTP/AVP;unicast;client_port=0-1', undefined],
    ['RTP/AVP/TCP;interleaved=300-301', undefined],
    ['RTP/SAVP;unicast;client_port=5000-5001', undefined],
    ['', undefined],
  ];
  for (const [header, expected] of rows) {
    it(JSON.stringify(header), () => assert.deepEqual(parseTransport(header), expected));
  }
});

describe('findParameterSets', () => {
  const sps = Buffer.from([0x67, 0x64, 0x00, 0x28, 0xac]);
  const pps = Buffer.from([0x68, 0xee, 0x3c, 0x80]);

  it('finds SPS and PPS after 3- and 4-byte start codes, and the profile-level-id', () => {
    const au = Buffer.concat([
      Buffer.from([0, 0, 0, 1, 0x09, 0xf0]),
      Buffer.from([0, 0, 1]),
      sps,
      Buffer.from([0, 0, 0, 1]),
      pps,
      Buffer.from([0, 0, 1, 0x65, 0x88, 0x84]),
    ]);
    const found = findParameterSets(au);
    assert.deepEqual(found, { sps, pps });
    assert.equal(profileLevelId(sps), '640028');
  });

  it('finds none in a delta frame, nor after the first slice', () => {
    assert.equal(findParameterSets(Buffer.from([0, 0, 0, 1, 0x41, 0x9a])), undefined);
    const late = Buffer.concat([
      Buffer.from([0, 0, 1, 0x65, 0x88]),
      Buffer.from([0, 0, 1]),
      sps,
      Buffer.from([0, 0, 1]),
      pps,
    ]);
    assert.equal(findParameterSets(late), undefined);
  });
});
