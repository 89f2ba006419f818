import { nalUnits as lazyNalUnits } from '../h264/nalUnits';

/** H.264 NAL unit types we act on (ITU-T H.264 Table 7-1). */
export const nalType = { idr: 5, sps: 7, pps: 8, aud: 9 } as const;

/** The NAL units of an Annex-B access unit (3- or 4-byte start codes), without start codes. */
export function nalUnits(data: Buffer): Buffer[] {
  return [...lazyNalUnits(data)];
}

/**
 * ISO/IEC 14496-15 §5.3.3: a sample of an `avc1` track is its NAL units, each behind a 4-byte
 * length (the avcC's lengthSizeMinusOne is 3). Parameter sets live in the sample entry for
 * `avc1`, so they and access unit delimiters (meaningless in MP4) are left out.
 */
export function toLengthPrefixed(units: readonly Buffer[]): Buffer {
  const kept = units.filter((unit) => {
    const type = unit[0] & 0x1f;
    return type !== nalType.sps && type !== nalType.pps && type !== nalType.aud;
  });
  const out = Buffer.allocUnsafe(kept.reduce((sum, unit) => sum + 4 + unit.length, 0));
  let offset = 0;
  for (const unit of kept) {
    out.writeUInt32BE(unit.length, offset);
    unit.copy(out, offset + 4);
    offset += 4 + unit.length;
  }
  return out;
}
