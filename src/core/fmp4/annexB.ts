/** H.264 NAL unit types we act on (ITU-T H.264 Table 7-1). */
export const nalType = { idr: 5, sps: 7, pps: 8, aud: 9 } as const;

/** The NAL units of an Annex-B access unit (3- or 4-byte start codes), without start codes. */
export function nalUnits(data: Buffer): Buffer[] {
  const units: Buffer[] = [];
  let start = nextStart(data, 0);
  while (start !== -1) {
    const next = nextStart(data, start);
    let end = next === -1 ? data.length : next - 3;
    // A 4-byte start code's leading zero belongs to it, not to the NAL before.
    if (next !== -1 && end > start && data[end - 1] === 0) end--;
    if (end > start) units.push(data.subarray(start, end));
    start = next;
  }
  return units;
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

/** Offset just past the next `00 00 01` at or after `from`, or -1. */
function nextStart(data: Buffer, from: number): number {
  for (let i = from; i + 2 < data.length; i++) {
    if (data[i + 2] > 1) {
      i += 2;
    } else if (data[i] === 0 && data[i + 1] === 0 && data[i + 2] === 1) {
      return i + 3;
    }
  }
  return -1;
}
