import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkOfferShape, withoutMdnsCandidates } from '../../../src/core/webrtc/offerChecks';

const head = 'v=0\r\no=- 1 0 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n';
const video = (candidates: string[] = []) =>
  'm=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=ice-ufrag:abcd\r\na=ice-pwd:0123456789012345678901\r\n' +
  'a=fingerprint:sha-256 00:11\r\na=recvonly\r\n' +
  candidates.map((c) => `a=candidate:${c}\r\n`).join('');
const chromeMdns =
  '1 1 udp 2122260223 3f7b2a1c-1d2e-4f5a-9b8c-0123456789ab.local 54321 typ host generation 0';
const plainHost = '2 1 udp 2122260223 192.168.1.20 54322 typ host generation 0';

describe('checkOfferShape', () => {
  const rows: { name: string; sdp: string; reason?: RegExp }[] = [
    { name: 'a browser offer', sdp: head + video([chromeMdns, plainHost]) },
    { name: 'video and audio', sdp: head + video() + 'm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n' },
    { name: 'not SDP', sdp: 'hello', reason: /not SDP/ },
    { name: 'five media sections', sdp: head + video().repeat(5), reason: /5 media sections; at most 4/ },
    {
      name: '33 candidates',
      sdp: head + video(Array.from({ length: 33 }, () => plainHost)),
      reason: /33 ICE candidates; at most 32/,
    },
  ];
  for (const { name, sdp, reason } of rows) {
    it(`${name} → ${reason ? String(reason) : 'accepted'}`, () => {
      if (reason) assert.throws(() => checkOfferShape(sdp), reason);
      else assert.doesNotThrow(() => checkOfferShape(sdp));
    });
  }
});

describe('withoutMdnsCandidates', () => {
  it('drops .local candidates and keeps the others', () => {
    const sdp = head + video([chromeMdns, plainHost]);
    const cleaned = withoutMdnsCandidates(sdp);
    assert.ok(!cleaned.includes('.local'), cleaned);
    assert.ok(cleaned.includes(`a=candidate:${plainHost}\r\n`), cleaned);
    assert.equal(cleaned, sdp.replace(`a=candidate:${chromeMdns}\r\n`, ''));
  });
});
