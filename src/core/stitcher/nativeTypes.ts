/**
 * The whole contract of the native addon (native/src/stitcher_wrap.cc, js_convert.cc): every
 * value crossing the boundary is declared here and nowhere else.
 */
import type { FitMode } from '../layout/tile';

export interface NativeCameraOptions {
  name: string;
  /** rtsp://, rtsps:// or demo: (a lavfi source, e.g. `demo:testsrc2?size=640x360&rate=25`). */
  url: string;
  transport: 'tcp' | 'udp';
  /** Connect + DESCRIBE/SETUP/PLAY deadline. Default 5000. */
  openTimeoutMs?: number;
  /** No packet for this long = connection lost, reconnect. Default 5000. */
  readTimeoutMs?: number;
  /** First reconnect delay, doubled per failure. Default 500. */
  reconnectInitialMs?: number;
  /** Reconnect delay cap. Default 1000. */
  reconnectMaxMs?: number;
  /** live → stale after this long without a frame. Default 2000. */
  staleAfterMs?: number;
}

export interface NativeTile {
  camera: string;
  x: number;
  y: number;
  width: number;
  height: number;
  fit?: FitMode;
}

export interface NativeOutputOptions {
  width: number;
  height: number;
  fps: number;
  /** bit/s */
  bitrate: number;
  /** Frames between IDRs. */
  gop: number;
  /** An x264 preset name. */
  preset: string;
  /** x264 profile: baseline (constrained), main or high. */
  profile: string;
}

/** Where the main rendition is also sent, as encoded. */
export interface NativePublishOptions {
  id: string;
  type: 'rtsp' | 'rtp';
  /** rtsp://… for rtsp; rtp://host:port for rtp. */
  url: string;
  transport?: 'tcp' | 'udp';
  payloadType?: number;
  reconnectInitialMs?: number;
  reconnectMaxMs?: number;
}

export interface NativeStitcherOptions {
  outputs?: NativePublishOptions[];
  cameras: NativeCameraOptions[];
  output: NativeOutputOptions;
  tiles: NativeTile[];
  staleTimeoutMs: number;
}

export interface NativeSnapshotOptions {
  width?: number;
  height?: number;
  /** 1..100, default 80. */
  quality?: number;
}

export type NativeSourceState = 'connecting' | 'live' | 'stale' | 'offline';
export type NativeTileContent = 'live' | 'cached' | 'black';

export interface NativeSourceStats {
  name: string;
  state: NativeSourceState;
  frames: number;
  errors: number;
  reconnects: number;
  bytes: number;
  fps: number;
  width: number;
  height: number;
  codec: string;
  /** Passwords already masked natively. */
  lastError: string;
}

export interface NativeTileStats {
  camera: string;
  content: NativeTileContent;
  painted: number;
}

export interface NativeOutputStats {
  frames: number;
  skippedTicks: number;
  keyframes: number;
  bytes: number;
  encodeErrors: number;
  droppedAccessUnits: number;
  fps: number;
  composeUs: number;
  encodeUs: number;
  encoder: string;
  /** Camera packet read → the access unit first containing its frame leaves the encoder. */
  latencyUs: { p50: number; p95: number; p99: number };
}

export type NativePublisherState = 'connecting' | 'live' | 'offline';

export interface NativePublisherStats {
  id: string;
  state: NativePublisherState;
  bytes: number;
  /** Access units sent. */
  units: number;
  /** Access units dropped (server too slow, or waiting for a keyframe). */
  dropped: number;
  reconnects: number;
  /** Password masked. */
  lastError: string;
}

export interface NativeStats {
  outputs: NativePublisherStats[];
  output: NativeOutputStats;
  sources: NativeSourceStats[];
  tiles: NativeTileStats[];
}

/**
 * Called on the JS thread with one encoded access unit (Annex-B; pts in 90 kHz ticks) of a
 * rendition (0 = the main one).
 */
export type NativeAccessUnitCallback = (data: Buffer, pts: number, keyframe: boolean, rendition: number) => void;

/** An extra encoding of the canvas; fps is capped at the canvas rate natively. */
export type NativeRenditionOptions = NativeOutputOptions;
/**
 * Called on the JS thread when a camera's or an output's state changes; `error` is '' or masked
 * text.
 */
export type NativeStateCallback = (
  name: string,
  state: NativeSourceState | NativePublisherState,
  error: string,
  kind: 'camera' | 'output',
) => void;

/** One run of the native pipeline: construct, start once, stop once. */
export interface NativeStitcher {
  start(onAccessUnit: NativeAccessUnitCallback, onState: NativeStateCallback): void;
  /** Resolves once every media thread has ended. */
  stop(): Promise<void>;
  setLayout(tiles: NativeTile[]): void;
  /** Rendition 0 (default) is the main encoding. */
  requestKeyframe(rendition?: number): void;
  /** Throws when the encoder cannot be opened. `id` > 0, chosen by the caller. */
  addRendition(id: number, options: NativeRenditionOptions): void;
  removeRendition(id: number): void;
  snapshot(options?: NativeSnapshotOptions): Promise<Buffer>;
  stats(): NativeStats;
}

export interface NativeAddon {
  Stitcher: new (options: NativeStitcherOptions) => NativeStitcher;
  /** The FFmpeg version the addon runs on. */
  ffmpegVersion: string;
}
