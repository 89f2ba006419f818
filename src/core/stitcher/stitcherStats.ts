import type { MosaicDefinition } from '../config/mosaicDefinitions';
import type { MosaicConfig } from '../config/types';
import type { Tile } from '../layout/tile';
import { redactUrl } from '../redact';
import type { CameraState, TileStateEvent } from './cameraHub';
import type {
  NativePublisherState,
  NativeSourceState,
  NativeSourceStats,
  NativeStats,
  NativeStreamName,
  NativeTileContent,
} from './nativeTypes';
import { publishTargets } from './publishTargets';

/** The counters of one camera stream (decoded frames, errors, reconnects, picture). */
export interface StreamCounters {
  fps: number;
  frames: number;
  errors: number;
  reconnects: number;
  width: number;
  height: number;
  codec: string;
  /** Password masked; '' when none. */
  lastError: string;
}

/** One of a camera's streams (main, and sub when it has one). */
export interface StreamStats extends StreamCounters {
  stream: NativeStreamName;
  state: NativeSourceState;
}

export interface CameraStats extends StreamCounters {
  name: string;
  /** Password masked. */
  url: string;
  state: CameraState;
  /** Epoch ms of the last state change. */
  since: number;
  /** Motion now (hysteresis applied) and the latest score 0..100; absent when motion is off for the camera. */
  motion?: { active: boolean; score: number };
  /** Each stream the camera has; the camera-level figures above are its main stream's, or its substream's while the main is closed. */
  streams: StreamStats[];
}

export interface TileStats extends Tile {
  /** What the tile shows now: a fresh frame, its last frame, or black. */
  content: NativeTileContent;
  state: CameraState | 'unknown';
  /** Whose picture is shown: the camera now on it (a timeshare tile rotates) and which stream. */
  showing: { camera: string; stream: NativeStreamName | '' };
  /** Why the tile shows no picture although its camera is live (e.g. a frame it cannot scale); absent when none. */
  problem?: string;
}

export interface OutputStats {
  name: string;
  type: 'rtsp' | 'rtp';
  /** Password masked. */
  url: string;
  state: NativePublisherState;
  bytes: number;
  accessUnits: number;
  dropped: number;
  reconnects: number;
  /** Password masked; '' when none. */
  lastError: string;
}

export interface StitcherStats {
  /** The mosaic's name (`default` for a config without `mosaics`). */
  mosaic: string;
  running: boolean;
  uptimeMs: number;
  output: {
    width: number;
    height: number;
    /** Configured rate. */
    fps: number;
    /** Frames encoded in the last second. */
    measuredFps: number;
    frames: number;
    keyframes: number;
    bytes: number;
    skippedTicks: number;
    droppedAccessUnits: number;
    encoder: string;
    /** Extra encodings (renditions) running besides the main one. */
    renditions: number;
    /**
     * The main encoder rests: nobody has wanted the mosaic for a while (frames and measuredFps
     * stop counting; the canvas, and so snapshots, stay current).
     */
    idle: boolean;
    /** Leases on the encode held now, by reason (`whep`, `output`, `snapshot`…). */
    wanted: Record<string, number>;
    composeUs: number;
    encodeUs: number;
    /** Camera packet read → access unit out, over the last 1024 frames, in µs. */
    latencyUs: { p50: number; p95: number; p99: number };
  };
  cameras: CameraStats[];
  tiles: TileStats[];
  /** Media servers the mosaic is published to. */
  outputs: OutputStats[];
}

interface StatsInputs {
  config: MosaicConfig;
  mosaic: MosaicDefinition;
  tiles: readonly Tile[];
  native: NativeStats | undefined;
  streams: readonly NativeSourceStats[];
  startedAt: number;
  renditions: number;
  wanted: Record<string, number>;
  cameraState: (camera: string) => TileStateEvent | undefined;
}

/** Joins the config, the JS-side states and the native counters into one JSON-safe object. */
export function buildStats(inputs: StatsInputs): StitcherStats {
  const { config, mosaic, tiles, native, streams, startedAt, renditions, wanted, cameraState } = inputs;
  const out = native?.output;
  const cameras: CameraStats[] = config.cameras.map((camera) => {
    const own = streams.filter((s) => s.name === camera.name);
    const main = own.find((s) => s.stream === 'main');
    const source = main?.state === 'idle' ? (own.find((s) => s.stream === 'sub') ?? main) : main;
    const state = cameraState(camera.name);
    return {
      name: camera.name,
      url: redactUrl(camera.url),
      state: state?.state ?? source?.state ?? 'offline',
      since: state?.since ?? 0,
      ...countersOf(source),
      ...motionOf(own),
      streams: own.map((s) => ({ stream: s.stream, state: s.state, ...countersOf(s) })),
    };
  });
  return {
    mosaic: mosaic.name,
    running: native !== undefined,
    uptimeMs: native ? Date.now() - startedAt : 0,
    output: {
      width: mosaic.output.width,
      height: mosaic.output.height,
      fps: mosaic.output.fps,
      measuredFps: out?.fps ?? 0,
      frames: out?.frames ?? 0,
      keyframes: out?.keyframes ?? 0,
      bytes: out?.bytes ?? 0,
      skippedTicks: out?.skippedTicks ?? 0,
      droppedAccessUnits: out?.droppedAccessUnits ?? 0,
      encoder: out?.encoder ?? '',
      renditions,
      idle: out?.idle ?? false,
      wanted,
      composeUs: out?.composeUs ?? 0,
      encodeUs: out?.encodeUs ?? 0,
      latencyUs: out?.latencyUs ?? { p50: 0, p95: 0, p99: 0 },
    },
    cameras,
    outputs: publishTargets(mosaic.outputs).map(({ native: target, displayUrl }) => {
      const published = native?.outputs.find((o) => o.id === target.id);
      return {
        name: target.id,
        type: target.type,
        url: displayUrl,
        state: published?.state ?? 'offline',
        bytes: published?.bytes ?? 0,
        accessUnits: published?.units ?? 0,
        dropped: published?.dropped ?? 0,
        reconnects: published?.reconnects ?? 0,
        lastError: published?.lastError ?? '',
      };
    }),
    tiles: tiles.map((tile, i) => {
      const shown = native?.tiles[i];
      const camera = shown?.camera ?? tile.camera;
      return {
        ...tile,
        content: shown?.content ?? 'black',
        state: cameras.find((c) => c.name === camera)?.state ?? 'unknown',
        showing: { camera, stream: shown?.stream ?? '' },
        ...(shown?.problem ? { problem: shown.problem } : {}),
      };
    }),
  };
}

function countersOf(source: NativeSourceStats | undefined): StreamCounters {
  return {
    fps: round(source?.fps ?? 0),
    frames: source?.frames ?? 0,
    errors: source?.errors ?? 0,
    reconnects: source?.reconnects ?? 0,
    width: source?.width ?? 0,
    height: source?.height ?? 0,
    codec: source?.codec ?? '',
    lastError: source?.lastError ?? '',
  };
}

function motionOf(streams: readonly NativeSourceStats[]): Pick<CameraStats, 'motion'> {
  const scored = streams.find((s) => s.motion);
  return scored?.motion
    ? { motion: { active: scored.motion.active, score: round(scored.motion.score) } }
    : {};
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
