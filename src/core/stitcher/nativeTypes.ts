/**
 * The whole contract of the native addon (native/src/stitcher_wrap.cc, js_convert.cc): every
 * value crossing the boundary is declared here and nowhere else.
 */
import type { FitMode } from '../layout/tile';

export interface NativeCameraOptions {
  name: string;
  /** What labels show; the name when absent. */
  title?: string;
  /** rtsp://, rtsps:// or demo: (a lavfi source, e.g. `demo:testsrc2?size=640x360&rate=25`). */
  url: string;
  /** The camera's low-resolution stream for small tiles; opened with the same settings. */
  subUrl?: string;
  /** Motion scoring (on the substream when there is one). Default: enabled, sensitivity 50. */
  motion?: {
    enabled?: boolean;
    /** 1..100 */
    sensitivity?: number;
    /** Ignored areas, fractions 0..1 of the picture. */
    masks?: { x: number; y: number; width: number; height: number }[];
  };
  transport: 'tcp' | 'udp';
  /** Follow an RTSP redirect to another scheme, host or port (without credentials). Default false. */
  followRedirects?: boolean;
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
  /** The first of `cameras`. */
  camera: string;
  /** More than one: a timeshare tile showing each in turn for `rotateMs`. */
  cameras?: string[];
  rotateMs?: number;
  x: number;
  y: number;
  width: number;
  height: number;
  fit?: FitMode;
  /** auto (default): the substream when it has at least 2/3 of the tile's width, else main. */
  stream?: 'auto' | 'main' | 'sub';
  /** The camera's title in a corner (needs `fontPath`). */
  label?: boolean;
  /** The local time beside the label. */
  clock?: boolean;
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

export interface NativeSourcePoolOptions {
  cameras: NativeCameraOptions[];
  /** A main stream no tile showed for this long is closed when the camera has a substream. Default 10000. */
  mainIdleCloseMs?: number;
}

export interface NativeStitcherOptions {
  outputs?: NativePublishOptions[];
  output: NativeOutputOptions;
  tiles: NativeTile[];
  staleTimeoutMs: number;
  /** A TrueType font for labels and "offline" tiles; none: no text is drawn. */
  fontPath?: string;
  labelCorner?: 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right';
}

export interface NativeSnapshotOptions {
  width?: number;
  height?: number;
  /** 1..100, default 80. */
  quality?: number;
}

/** idle: a main stream closed because only its substream is shown. */
export type NativeSourceState = 'connecting' | 'live' | 'stale' | 'offline' | 'idle';
export type NativeStreamName = 'main' | 'sub';
export type NativeTileContent = 'live' | 'cached' | 'black';

export interface NativeSourceStats {
  name: string;
  stream: NativeStreamName;
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
  /** Present on the stream that scores the camera's motion. */
  motion?: { active: boolean; score: number };
}

export interface NativeTileStats {
  /** The camera shown now (a timeshare tile rotates). */
  camera: string;
  /** The stream whose picture is shown; '' while black. */
  stream: NativeStreamName | '';
  content: NativeTileContent;
  painted: number;
  /** Why the camera's frames cannot be painted into the tile; '' when they can. */
  problem: string;
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
  /** The main encoder rests (setIdle): frames and fps stop counting. */
  idle: boolean;
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
  tiles: NativeTileStats[];
}

/**
 * Called on the JS thread with one encoded access unit (Annex-B; pts in 90 kHz ticks) of a
 * rendition (0 = the main one).
 */
export type NativeAccessUnitCallback = (
  data: Buffer,
  pts: number,
  keyframe: boolean,
  rendition: number,
) => void;

/** An extra encoding of the canvas; fps is capped at the canvas rate natively. */
export type NativeRenditionOptions = NativeOutputOptions;
/**
 * Called on the JS thread when an output's state changes (`error` is '' or masked text), and
 * with kind 'tile' (id: the camera, state 'problem') once per new reason a tile cannot paint.
 */
export type NativeOutputStateCallback = (
  id: string,
  state: NativePublisherState | 'problem',
  error: string,
  kind: 'output' | 'tile',
) => void;

/** Called on the JS thread when one of a camera's streams changes state; `error` is '' or masked text. */
export type NativeCameraStateCallback = (
  camera: string,
  state: NativeSourceState,
  error: string,
  stream: NativeStreamName,
) => void;

/** The cameras of the process, each pulled and decoded once for every mosaic showing it. */
/** Called on the JS thread when a camera's motion turns on or off; score 0..100. */
export type NativeMotionCallback = (camera: string, active: boolean, score: number) => void;

export interface NativeSourcePool {
  start(onCameraState: NativeCameraStateCallback, onMotion: NativeMotionCallback): void;
  /** Resolves once every camera thread has ended. */
  stop(): Promise<void>;
  stats(): NativeSourceStats[];
}

/** One run of one mosaic: construct, start once, stop once. */
export interface NativeStitcher {
  start(onAccessUnit: NativeAccessUnitCallback, onOutputState: NativeOutputStateCallback): void;
  /** Resolves once every media thread has ended. */
  stop(): Promise<void>;
  setLayout(tiles: NativeTile[]): void;
  /** Rendition 0 (default) is the main encoding. */
  requestKeyframe(rendition?: number): void;
  /** Idle: the main encoder rests, the canvas is still composed (slowly); false wakes it with an IDR. */
  setIdle(idle: boolean): void;
  /** Throws when the encoder cannot be opened. `id` > 0, chosen by the caller. */
  addRendition(id: number, options: NativeRenditionOptions): void;
  removeRendition(id: number): void;
  snapshot(options?: NativeSnapshotOptions): Promise<Buffer>;
  stats(): NativeStats;
}

export interface NativeAddon {
  SourcePool: new (options: NativeSourcePoolOptions) => NativeSourcePool;
  /** One mosaic over the cameras of `pool` (which must outlive it; its owner stops it). */
  Stitcher: new (options: NativeStitcherOptions, pool: NativeSourcePool) => NativeStitcher;
  /** The FFmpeg version the addon runs on. */
  ffmpegVersion: string;
}
