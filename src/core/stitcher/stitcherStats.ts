import type { MosaicConfig } from '../config/types';
import type { Tile } from '../layout/tile';
import { redactUrl } from '../redact';
import type { NativePublisherState, NativeStats, NativeTileContent } from './nativeTypes';
import { publishTargets } from './publishTargets';
import type { CameraState, TileStateEvent } from './stitcher';

export interface CameraStats {
  name: string;
  /** Password masked. */
  url: string;
  state: CameraState;
  /** Epoch ms of the last state change. */
  since: number;
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

export interface TileStats extends Tile {
  /** What the tile shows now: a fresh frame, its last frame, or black. */
  content: NativeTileContent;
  state: CameraState | 'unknown';
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
  tiles: readonly Tile[];
  native: NativeStats | undefined;
  startedAt: number;
  renditions: number;
  cameraStates: ReadonlyMap<string, TileStateEvent>;
}

/** Joins the config, the JS-side states and the native counters into one JSON-safe object. */
export function buildStats({ config, tiles, native, startedAt, renditions, cameraStates }: StatsInputs): StitcherStats {
  const out = native?.output;
  const cameras: CameraStats[] = config.cameras.map((camera) => {
    const source = native?.sources.find((s) => s.name === camera.name);
    const state = cameraStates.get(camera.name);
    return {
      name: camera.name,
      url: redactUrl(camera.url),
      state: source?.state ?? state?.state ?? 'offline',
      since: state?.since ?? 0,
      fps: round(source?.fps ?? 0),
      frames: source?.frames ?? 0,
      errors: source?.errors ?? 0,
      reconnects: source?.reconnects ?? 0,
      width: source?.width ?? 0,
      height: source?.height ?? 0,
      codec: source?.codec ?? '',
      lastError: source?.lastError ?? '',
    };
  });
  return {
    running: native !== undefined,
    uptimeMs: native ? Date.now() - startedAt : 0,
    output: {
      width: config.output.width,
      height: config.output.height,
      fps: config.output.fps,
      measuredFps: out?.fps ?? 0,
      frames: out?.frames ?? 0,
      keyframes: out?.keyframes ?? 0,
      bytes: out?.bytes ?? 0,
      skippedTicks: out?.skippedTicks ?? 0,
      droppedAccessUnits: out?.droppedAccessUnits ?? 0,
      encoder: out?.encoder ?? '',
      renditions,
      composeUs: out?.composeUs ?? 0,
      encodeUs: out?.encodeUs ?? 0,
      latencyUs: out?.latencyUs ?? { p50: 0, p95: 0, p99: 0 },
    },
    cameras,
    outputs: publishTargets(config.outputs).map(({ native: target, displayUrl }) => {
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
    tiles: tiles.map((tile, i) => ({
      ...tile,
      content: native?.tiles[i]?.content ?? 'black',
      state: cameras.find((c) => c.name === tile.camera)?.state ?? 'unknown',
    })),
  };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
