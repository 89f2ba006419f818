// The Stitcher's public types: its events, options and what they carry.
import type { Tile } from '../layout/tile';
import type { Logger } from '../logger';
import type { CameraHub, CameraStateEvent } from './cameraHub';
import type { NativePublisherState } from './nativeTypes';
import type { Stitcher } from './stitcher';

/** One encoded H.264 access unit of the mosaic. */
export interface AccessUnit {
  /** Annex-B byte stream; keyframes carry SPS and PPS. */
  data: Buffer;
  /** Presentation time in 90 kHz ticks (the RTP video clock), continuous across re-layouts. */
  pts: number;
  /** An IDR: a new viewer can start here. */
  keyframe: boolean;
}

/** An output (a media server the mosaic is published to) changed state. */
export interface OutputStateEvent {
  output: string;
  state: NativePublisherState;
  since: number;
  error?: string;
}

export interface StitcherEvents extends Record<string, unknown[]> {
  accessunit: [AccessUnit];
  /** A camera's state changed (the hub's `camerastate`, while this mosaic runs). */
  camerastate: [CameraStateEvent];
  /**
   * @deprecated The same event as `camerastate`, under its old name; README's examples listen
   * to it. Emitted just after `camerastate`.
   */
  tilestate: [CameraStateEvent];
  outputstate: [OutputStateEvent];
  layout: [readonly Tile[]];
  start: [];
  stop: [];
}

export interface StitcherOptions {
  /** Where log lines go; defaults to stderr with the hub's secrets masked. */
  logger?: Logger;
  /**
   * The cameras, shared with other mosaics of the same config (whose validated config and
   * secrets are then used, not the constructor's); its owner starts and stops it. Left out, the
   * Stitcher makes its own and starts and stops it with itself.
   */
  hub?: CameraHub;
  /** Which of the config's `mosaics` this is; the first when left out. */
  mosaic?: string;
  /**
   * With no lease (`want()`) this long, the encoder rests until the next one. Default 30000;
   * Infinity keeps encoding. Outputs in the config hold a lease for as long as the mosaic lives.
   */
  idleAfterMs?: number;
}

/** After this long unwanted the encoder rests (StitcherOptions.idleAfterMs). */
export const DEFAULT_IDLE_AFTER_MS = 30_000;

export interface SnapshotOptions {
  /** Output width; height follows the canvas aspect when only one side is given. */
  width?: number;
  height?: number;
  /** JPEG quality 1..100, default 80. */
  quality?: number;
}

/**
 * What an output that repackages the encode (RTSP, fMP4 for MSE and HLS) uses of a Stitcher: its
 * access units, keyframes on request, a lease that keeps the encoder awake, and its settings.
 */
export type StitcherLike = Pick<Stitcher, 'on' | 'off' | 'want' | 'requestKeyframe' | 'mosaic'>;
