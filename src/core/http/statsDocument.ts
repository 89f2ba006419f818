import type { RtspStreamStats } from '../rtsp/rtspStream';
import type { StitcherStats } from '../stitcher/stitcherStats';
import type { MosaicPlaybackStats } from './mosaicPlayback';
import type { ViewerStats } from '../webrtc/viewer';

/** What /stats returns: the old system's field names first, then the detail. Never a password. */
export interface StatsDocument {
  /** The mosaic's name (`default` for a config without `mosaics`). */
  mosaic: string;
  running: boolean;
  /** WebRTC viewers connected or connecting. */
  clients: number;
  /** Camera video tracks feeding the mosaic now (cameras that are live). */
  video_tracks: number;
  /** Frames encoded since start. */
  total_frames: number;
  /** Frames per second since start. */
  avg_fps: number;
  /** Frames encoded in the last second. */
  fps: number;
  /** `WIDTHxHEIGHT` of the mosaic. */
  resolution: string;
  uptime_ms: number;
  output: StitcherStats['output'];
  tiles: {
    camera: string;
    x: number;
    y: number;
    width: number;
    height: number;
    state: string;
    content: string;
    /** Why a live camera's tile shows no picture; absent when none. */
    problem?: string;
    fps: number;
    reconnects: number;
  }[];
  /** Camera URLs with their passwords masked. */
  cameras: StitcherStats['cameras'];
  /** Media servers the mosaic is published to (URLs with passwords masked). */
  outputs: StitcherStats['outputs'];
  viewers: ViewerStats[];
  /** MSE clients over WebSocket (when the HTTP layer serves them). */
  mse?: MosaicPlaybackStats['mse'];
  /** HLS: whether it runs (someone asked within idleStopMs), players, segments held. */
  hls?: MosaicPlaybackStats['hls'];
  /** RTSP clients of this mosaic (when server.rtsp is on). */
  rtsp?: RtspStreamStats;
}

/** What other transports than WebRTC say of one mosaic, each when it is served. */
export interface TransportStats {
  playback?: MosaicPlaybackStats;
  rtsp?: RtspStreamStats;
}

export function statsDocument(
  stats: StitcherStats,
  viewers: ViewerStats[],
  transports: TransportStats = {},
): StatsDocument {
  const { output } = stats;
  const uptimeS = stats.uptimeMs / 1000;
  return {
    mosaic: stats.mosaic,
    running: stats.running,
    clients: viewers.length,
    video_tracks: stats.cameras.filter((c) => c.state === 'live').length,
    total_frames: output.frames,
    avg_fps: uptimeS > 0 ? Math.round((output.frames / uptimeS) * 10) / 10 : 0,
    fps: output.measuredFps,
    resolution: `${output.width}x${output.height}`,
    uptime_ms: stats.uptimeMs,
    output,
    tiles: stats.tiles.map((tile) => {
      const camera = stats.cameras.find((c) => c.name === tile.camera);
      return {
        camera: tile.camera,
        x: tile.x,
        y: tile.y,
        width: tile.width,
        height: tile.height,
        state: tile.state,
        content: tile.content,
        ...(tile.problem ? { problem: tile.problem } : {}),
        fps: camera?.fps ?? 0,
        reconnects: camera?.reconnects ?? 0,
      };
    }),
    cameras: stats.cameras,
    outputs: stats.outputs,
    viewers,
    ...(transports.playback ?? {}),
    ...(transports.rtsp ? { rtsp: transports.rtsp } : {}),
  };
}

/**
 * The engine's /stats: the first mosaic's document at the top level (so readers of the
 * one-mosaic document keep working) and every mosaic's under `mosaics`, in config order. Its
 * `cameras` are every camera of the config once, whichever mosaics show it.
 */
export interface EngineStatsDocument extends StatsDocument {
  mosaics: Record<string, StatsDocument>;
}

/** `documents` in config order; the first becomes the top level. */
export function engineStatsDocument(documents: readonly StatsDocument[]): EngineStatsDocument {
  const [first] = documents;
  if (!first) throw new RangeError('an engine has at least one mosaic');
  return { ...first, mosaics: Object.fromEntries(documents.map((d) => [d.mosaic, d])) };
}
