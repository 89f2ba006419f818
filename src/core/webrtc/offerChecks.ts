import { SdpError } from './webrtcErrors';

/** More media sections than a WHEP player sends (video, audio, data) cost werift seconds each. */
export const maxOfferMediaSections = 4;
/** A browser lists a few per interface; each one is a connectivity check we send to that address. */
export const maxOfferCandidates = 32;

/**
 * Cheap checks before werift sees the text, so the usual mistakes get a precise reason and
 * the costly ones (300 media sections took 9.6 s and blocked the event loop) never start.
 */
export function checkOfferShape(sdp: string): void {
  if (!/^v=0\r?\n/.test(sdp)) throw new SdpError('the body is not SDP (it must start with v=0)');
  if (!/\nm=video /.test(sdp)) throw new SdpError('the offer has no video section');
  const sections = sdp.match(/\nm=/g)?.length ?? 0;
  if (sections > maxOfferMediaSections) {
    throw new SdpError(
      `the offer has ${sections} media sections; at most ${maxOfferMediaSections} are answered`,
    );
  }
  const candidates = sdp.match(/\na=candidate:/g)?.length ?? 0;
  if (candidates > maxOfferCandidates) {
    throw new SdpError(`the offer has ${candidates} ICE candidates; at most ${maxOfferCandidates} are taken`);
  }
  for (const attribute of ['ice-ufrag', 'ice-pwd', 'fingerprint']) {
    if (!sdp.includes(`a=${attribute}:`)) throw new SdpError(`the offer has no a=${attribute}`);
  }
}

/**
 * The offer without `.local` (mDNS) candidates. werift would resolve each with a multicast
 * socket of its own, whose errors nobody handles, and a 10 s query on the LAN per name; the
 * browser's checks reach us from its real address anyway, which ICE takes as a peer-reflexive
 * candidate (RFC 8445 §7.3.1.3), so nothing is lost.
 */
export function withoutMdnsCandidates(sdp: string): string {
  return sdp.replace(/^a=candidate:\S+ \d+ \S+ \d+ [^ \r\n]+\.local [^\r\n]*\r?\n/gim, '');
}
