import { nalUnits } from '../h264/nalUnits';

/** The H.264 parameter sets a decoder needs before the first picture. */
export interface ParameterSets {
  /** NAL units without start codes. */
  sps: Buffer;
  pps: Buffer;
}

const nalSps = 7;
const nalPps = 8;
const nalSliceTypes = new Set([1, 5]);

/**
 * The SPS and PPS at the head of an Annex-B access unit (ours carry them before each IDR), or
 * undefined when it has none. Stops at the first slice: parameter sets come before it
 * (H.264 §7.4.1.2.3), so a keyframe's large slice data is never scanned.
 */
export function findParameterSets(annexB: Buffer): ParameterSets | undefined {
  let sps: Buffer | undefined;
  let pps: Buffer | undefined;
  for (const nal of nalUnits(annexB)) {
    const type = nal[0] & 0x1f;
    if (type === nalSps) sps ??= Buffer.from(nal);
    else if (type === nalPps) pps ??= Buffer.from(nal);
    else if (nalSliceTypes.has(type)) break;
    if (sps && pps) return { sps, pps };
  }
  return undefined;
}

/** RFC 6184 §8.1: profile_idc, the constraint flags and level_idc of the SPS, as 6 hex digits. */
export function profileLevelId(sps: Buffer): string {
  return sps.subarray(1, 4).toString('hex').padEnd(6, '0');
}
