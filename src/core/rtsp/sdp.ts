import { profileLevelId, type ParameterSets } from './parameterSets';

export interface SdpOptions {
  /** The stream's name, for `s=`. */
  name: string;
  /** The server's address on this connection, for `o=` (RFC 4566 §5.2). */
  serverAddress: string;
  parameterSets: ParameterSets;
  /** Picture size, for clients that size their window before the first frame. */
  size?: { width: number; height: number };
}

/** The one RTP payload type we use (dynamic range, RFC 3551 §6). */
export const h264PayloadType = 96;
/** The one track's control URL, relative to Content-Base (RFC 2326 §C.1.1). */
export const trackControl = 'trackID=0';

/**
 * The session description a DESCRIBE answers with (RFC 2326 Appendix C, RFC 4566): one H.264
 * video track, packetization-mode 1 with the parameter sets in-band too (RFC 6184 §8.1).
 */
export function describeSdp({ name, serverAddress, parameterSets, size }: SdpOptions): string {
  const ipVersion = serverAddress.includes(':') ? 'IP6' : 'IP4';
  const sprop = [parameterSets.sps, parameterSets.pps].map((nal) => nal.toString('base64')).join(',');
  const fmtp =
    `packetization-mode=1;profile-level-id=${profileLevelId(parameterSets.sps)};` +
    `sprop-parameter-sets=${sprop}`;
  const lines = [
    'v=0',
    `o=- ${Date.now()} 1 IN ${ipVersion} ${serverAddress}`,
    // Names are the user's; SDP lines end at CR/LF, so a name never carries one into the text.
    `s=${name.replace(/[\r\n]/g, ' ')}`,
    `c=IN ${ipVersion} ${ipVersion === 'IP6' ? '::' : '0.0.0.0'}`,
    't=0 0',
    'a=tool:camera-mosaic',
    'a=range:npt=now-',
    'a=control:*',
    `m=video 0 RTP/AVP ${h264PayloadType}`,
    `a=rtpmap:${h264PayloadType} H264/90000`,
    `a=fmtp:${h264PayloadType} ${fmtp}`,
    ...(size ? [`a=framesize:${h264PayloadType} ${size.width}-${size.height}`] : []),
    `a=control:${trackControl}`,
  ];
  return `${lines.join('\r\n')}\r\n`;
}
