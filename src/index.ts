/**
 * The package's public API: the Engine (HTTP/WebRTC server over a media core), the MediaCore
 * (cameras and mosaics of one config, no server), the Stitcher beneath it, the outputs that
 * repackage a Stitcher's encode (RTSP server, MSE and HLS), the config schemas and the named errors. The Homebridge initializer (the default export Homebridge looks for) is added
 * beside these by src/homebridge.
 */
export { Engine, type EngineEvents, type EngineOptions } from './core/engine';
export { MediaCore, type MediaCoreEvents, type MediaCoreOptions } from './core/media/mediaCore';
export {
  Stitcher,
  type AccessUnit,
  type CameraState,
  type CameraStateEvent,
  type OutputStateEvent,
  type SnapshotOptions,
  type StitcherEvents,
  type StitcherOptions,
  type TileStateEvent,
} from './core/stitcher/stitcher';
export type { StitcherStats, CameraStats, TileStats } from './core/stitcher/stitcherStats';
export type { EngineStatsDocument, StatsDocument } from './core/http/statsDocument';
export { CameraHub, type CameraHubEvents, type MotionEvent } from './core/stitcher/cameraHub';
export { RtspServer, type RtspServerOptions, type RtspServerStats } from './core/rtsp/rtspServer';
export { serveMosaics, stitcherStreamSource } from './core/rtsp/stitcherSource';
export { MosaicPlayback, type MosaicPlaybackStats } from './core/http/mosaicPlayback';
export type { ViewerState, ViewerStats } from './core/webrtc/viewer';
export { ConfigError, InvalidStateError, NativeLoadError, type ConfigIssue } from './core/errors';
export { createLogger, type Logger, type LogLevel, type LogSink } from './core/logger';
export { demoConfig } from './core/demoConfig';
export type { Tile, FitMode } from './core/layout/tile';
export * from './core/config';

// Homebridge loads the package main and calls its default export (src/homebridge/index.ts).
export { default } from './homebridge/index';
