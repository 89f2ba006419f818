import { initSegment, mdat, moof } from 'mux.js/cjs/mp4/mp4-generator.js';
import { nalType, nalUnits, toLengthPrefixed } from './annexB';

/** What the muxer needs of an encoded access unit (the Stitcher's `accessunit` payload). */
export interface EncodedAccessUnit {
  /** Annex-B byte stream; keyframes carry SPS and PPS. */
  data: Buffer;
  /** 90 kHz ticks. */
  pts: number;
  keyframe: boolean;
}

/** An fMP4 initialization segment (ftyp + moov), and what a player needs to open it. */
export interface Fmp4Init {
  /** Counts up from 1 for each new SPS/PPS the muxer met. */
  id: number;
  /** ftyp + moov with the avcC of the SPS/PPS. */
  data: Buffer;
  /** RFC 6381 codec, e.g. `avc1.42e01f`. */
  codec: string;
  /** For MediaSource.addSourceBuffer: `video/mp4; codecs="avc1.42e01f"`. */
  mimeType: string;
  width: number;
  height: number;
}

/** One access unit as one movie fragment (moof + mdat), shared read-only by every client. */
export interface Fmp4Fragment {
  data: Buffer;
  keyframe: boolean;
  /** tfdt baseMediaDecodeTime, 90 kHz, continuous across encoder rests and restarts. */
  decodeTime: number;
  /** The sample's duration, 90 kHz. */
  duration: number;
  /** The init segment this fragment needs. */
  init: Fmp4Init;
}

export interface Fmp4MuxerOptions {
  width: number;
  height: number;
  /** The encoder's frame rate: each sample lasts 1/fps (the mosaic's output clock is fixed). */
  fps: number;
}

/** A pts step longer than this (an encoder that rested, a restart) is not carried into the timeline. */
const maxStepTicks = 2 * 90_000;
const trackId = 1;

/**
 * Access units → fragmented MP4 (ISO/IEC 14496-12 §8.8), one fragment per access unit, boxes
 * made by mux.js's generator (90 kHz timescale, the pts clock). Units before the first keyframe
 * have no init segment and are dropped. The timeline stays gap-free: MSE stalls at a gap.
 */
export class Fmp4Muxer {
  private current: Fmp4Init | undefined;
  private parameterSets: { sps: Buffer; pps: Buffer } | undefined;
  private lastPts: number | undefined;
  private decodeTime = 0;
  private sequence = 0;
  private readonly nominalTicks: number;

  constructor(private readonly options: Fmp4MuxerOptions) {
    this.nominalTicks = Math.round(90_000 / options.fps);
  }

  /** The latest init segment, once a keyframe came. */
  get init(): Fmp4Init | undefined {
    return this.current;
  }

  /** The unit as a fragment, or undefined while no keyframe has given an init segment. */
  push(unit: EncodedAccessUnit): Fmp4Fragment | undefined {
    const units = nalUnits(unit.data);
    if (unit.keyframe) this.takeParameterSets(units);
    const init = this.current;
    if (!init) return undefined;
    this.advance(unit.pts);
    const sample = toLengthPrefixed(units);
    const flags = {
      isLeading: 0,
      // §8.6.4.3: 2 = depends on no other sample (an IDR), 1 = depends on others.
      dependsOn: unit.keyframe ? 2 : 1,
      isDependedOn: 0,
      hasRedundancy: 0,
      paddingValue: 0,
      isNonSyncSample: unit.keyframe ? 0 : 1,
      degradationPriority: 0,
    };
    // mfhd sequence_number counts up from 1 (§8.8.5.3); 32 bits.
    this.sequence = (this.sequence % 0xffff_ffff) + 1;
    const box = moof(this.sequence, [
      {
        id: trackId,
        type: 'video',
        baseMediaDecodeTime: this.decodeTime,
        samples: [{ duration: this.nominalTicks, size: sample.length, compositionTimeOffset: 0, flags }],
      },
    ]);
    const data = Buffer.concat([box, mdat(sample)]);
    return { data, keyframe: unit.keyframe, decodeTime: this.decodeTime, duration: this.nominalTicks, init };
  }

  private advance(pts: number): void {
    if (this.lastPts !== undefined) {
      const step = pts - this.lastPts;
      this.decodeTime += step > 0 && step <= maxStepTicks ? step : this.nominalTicks;
    }
    this.lastPts = pts;
  }

  /** A keyframe's SPS and PPS: a new init segment when they differ from the current one. */
  private takeParameterSets(units: readonly Buffer[]): void {
    const sps = units.find((u) => (u[0] & 0x1f) === nalType.sps);
    const pps = units.find((u) => (u[0] & 0x1f) === nalType.pps);
    if (!sps || !pps || sps.length < 4) return;
    const known = this.parameterSets;
    if (known && known.sps.equals(sps) && known.pps.equals(pps)) return;
    this.parameterSets = { sps: Buffer.from(sps), pps: Buffer.from(pps) };
    const { width, height } = this.options;
    const data = Buffer.from(
      initSegment([
        {
          id: trackId,
          type: 'video',
          width,
          height,
          sps: [sps],
          pps: [pps],
          // ISO/IEC 14496-15 §5.3.3.1: the avcC copies these three bytes of the SPS.
          profileIdc: sps[1],
          profileCompatibility: sps[2],
          levelIdc: sps[3],
        },
      ]),
    );
    nameCompressor(data);
    // RFC 6381 §3.3: avc1.PPCCLL, the same three SPS bytes in hex.
    const codec = `avc1.${sps.subarray(1, 4).toString('hex')}`;
    this.current = {
      id: (this.current?.id ?? 0) + 1,
      data,
      codec,
      mimeType: `video/mp4; codecs="${codec}"`,
      width,
      height,
    };
  }
}

/** What mux.js writes in the avc1 sample entry's compressorname: its own name, from video.js. */
const muxjsCompressorName = Buffer.from('\x13videojs-contrib-hls', 'latin1');

/**
 * Puts our name in the avc1 sample entry's compressorname (ISO/IEC 14496-12 §12.1.3: 32 bytes,
 * a length byte and the name, zero padded), where players and ffprobe show it. Same length, so no
 * box size changes.
 */
function nameCompressor(init: Buffer): void {
  const at = init.indexOf(muxjsCompressorName);
  if (at < 0) return;
  const name = Buffer.from('camera-mosaic', 'latin1');
  const field = Buffer.alloc(32);
  field[0] = name.length;
  name.copy(field, 1);
  field.copy(init, at);
}
