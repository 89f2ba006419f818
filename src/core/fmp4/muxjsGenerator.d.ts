// Types for the part of mux.js we use: its fMP4 box generator (the package ships no types).
declare module 'mux.js/cjs/mp4/mp4-generator.js' {
  /** ISO/IEC 14496-12 §8.8.3.1 sample flags, as mux.js spells them. */
  interface SampleFlags {
    isLeading: number;
    dependsOn: number;
    isDependedOn: number;
    hasRedundancy: number;
    paddingValue: number;
    isNonSyncSample: number;
    degradationPriority: number;
  }
  interface Sample {
    /** In the track's timescale (90 kHz). */
    duration: number;
    size: number;
    compositionTimeOffset: number;
    flags: SampleFlags;
  }
  /** A video track; timescale is always 90 kHz. */
  interface Track {
    id: number;
    type: 'video';
    width?: number;
    height?: number;
    sps?: Uint8Array[];
    pps?: Uint8Array[];
    profileIdc?: number;
    profileCompatibility?: number;
    levelIdc?: number;
    baseMediaDecodeTime?: number;
    samples?: Sample[];
  }
  /** ftyp + moov. */
  export function initSegment(tracks: Track[]): Uint8Array;
  export function moof(sequenceNumber: number, tracks: Track[]): Uint8Array;
  export function mdat(data: Uint8Array): Uint8Array;
}
