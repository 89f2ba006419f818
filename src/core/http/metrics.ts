import { Counter, Gauge, Registry } from 'prom-client';
import type { CameraStats, OutputStats, StitcherStats } from '../stitcher/stitcherStats';
import type { ViewerStats } from '../webrtc/viewer';
import type { TransportStats } from './statsDocument';

/** One labelled value of a metric. */
interface Sample {
  labels: Record<string, string>;
  value: number;
}

/** Where the numbers come from at scrape time. */
export interface MetricsSource {
  stats(): StitcherStats;
  viewers(): ViewerStats[];
  /** MSE, HLS and RTSP clients, where served. */
  transports?(): TransportStats;
}

/**
 * Prometheus metrics, read from the stitcher's and viewers' counters at scrape time (no timers).
 * A registry of our own, so two engines in one process (Node-RED) never clash on names in the
 * global one. No default process metrics: prom-client's event-loop monitor cannot be stopped.
 */
export class MosaicMetrics {
  readonly registry = new Registry();

  /** One read of the counters per scrape, taken by text() and shared by every collect(). */
  private scrape: { stats: StitcherStats; viewers: ViewerStats[] } | undefined;

  constructor(private readonly source: MetricsSource) {
    const read = () => (this.scrape ??= { stats: source.stats(), viewers: source.viewers() });
    const cameras = (value: (camera: CameraStats) => number) => () =>
      read().stats.cameras.map((camera) => ({ labels: { camera: camera.name }, value: value(camera) }));
    const outputs = (value: (output: OutputStats) => number) => () =>
      read().stats.outputs.map((output) => ({ labels: { output: output.name }, value: value(output) }));
    const one = (value: () => number) => () => [{ labels: {}, value: value() }];

    this.define(
      'gauge',
      'camera_mosaic_running',
      '1 while the mosaic is encoding',
      one(() => (read().stats.running ? 1 : 0)),
    );
    this.define(
      'gauge',
      'camera_mosaic_viewers',
      'WebRTC viewers connected or connecting',
      one(() => read().viewers.length),
    );
    this.define(
      'gauge',
      'camera_mosaic_clients',
      'Clients by transport besides WebRTC: mse (WebSocket), hls (players seen in the last 10 s), rtsp',
      () => {
        const { playback, rtsp } = source.transports?.() ?? {};
        const samples: Sample[] = [];
        if (playback) {
          samples.push({ labels: { transport: 'mse' }, value: playback.mse.clients });
          samples.push({ labels: { transport: 'hls' }, value: playback.hls.clients });
        }
        if (rtsp) samples.push({ labels: { transport: 'rtsp' }, value: rtsp.clients });
        return samples;
      },
      ['transport'],
    );
    this.define(
      'gauge',
      'camera_mosaic_viewers_bitrate_bits_per_second',
      'RTP bitrate sent to all viewers',
      one(() => read().viewers.reduce((sum, v) => sum + v.bitrate, 0)),
    );
    this.define(
      'gauge',
      'camera_mosaic_output_fps',
      'Frames encoded in the last second',
      one(() => read().stats.output.measuredFps),
    );
    this.define(
      'counter',
      'camera_mosaic_output_frames_total',
      'Frames encoded since start',
      one(() => read().stats.output.frames),
    );
    this.define(
      'counter',
      'camera_mosaic_output_keyframes_total',
      'IDR frames encoded since start',
      one(() => read().stats.output.keyframes),
    );
    this.define(
      'counter',
      'camera_mosaic_output_bytes_total',
      'Encoded bytes since start',
      one(() => read().stats.output.bytes),
    );
    this.define(
      'counter',
      'camera_mosaic_output_dropped_access_units_total',
      'Access units dropped before JS took them',
      one(() => read().stats.output.droppedAccessUnits),
    );
    this.define(
      'gauge',
      'camera_mosaic_camera_up',
      '1 while the camera delivers frames (state live)',
      cameras((c) => (c.state === 'live' ? 1 : 0)),
      ['camera'],
    );
    // Only cameras that score motion (motion.enabled) have these series.
    const motion = (value: (m: NonNullable<CameraStats['motion']>) => number) => () =>
      read().stats.cameras.flatMap((camera) =>
        camera.motion ? [{ labels: { camera: camera.name }, value: value(camera.motion) }] : [],
      );
    this.define(
      'gauge',
      'camera_mosaic_camera_motion',
      '1 while the camera sees motion (with hysteresis)',
      motion((m) => (m.active ? 1 : 0)),
      ['camera'],
    );
    this.define(
      'gauge',
      'camera_mosaic_camera_motion_score',
      'Share of the picture that changed in the latest analysis, percent',
      motion((m) => m.score),
      ['camera'],
    );
    this.define(
      'gauge',
      'camera_mosaic_camera_fps',
      'Frames per second decoded from the camera',
      cameras((c) => c.fps),
      ['camera'],
    );
    this.define(
      'counter',
      'camera_mosaic_camera_frames_total',
      'Frames decoded from the camera',
      cameras((c) => c.frames),
      ['camera'],
    );
    this.define(
      'counter',
      'camera_mosaic_camera_errors_total',
      'Decode and read errors of the camera',
      cameras((c) => c.errors),
      ['camera'],
    );
    this.define(
      'counter',
      'camera_mosaic_camera_reconnects_total',
      'Reconnections to the camera',
      cameras((c) => c.reconnects),
      ['camera'],
    );
    this.define(
      'gauge',
      'camera_mosaic_output_up',
      '1 while the output (a media server the mosaic is published to) is live',
      outputs((o) => (o.state === 'live' ? 1 : 0)),
      ['output'],
    );
    this.define(
      'counter',
      'camera_mosaic_output_sent_bytes_total',
      'Bytes published to the output',
      outputs((o) => o.bytes),
      ['output'],
    );
    this.define(
      'counter',
      'camera_mosaic_output_reconnects_total',
      'Reconnections to the output',
      outputs((o) => o.reconnects),
      ['output'],
    );
  }

  /** The Prometheus text exposition. */
  async text(): Promise<string> {
    this.scrape = { stats: this.source.stats(), viewers: this.source.viewers() };
    try {
      return await this.registry.metrics();
    } finally {
      this.scrape = undefined;
    }
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /**
   * A metric whose samples are read at scrape time. Counters are rebuilt from the stitcher's own
   * totals (reset + inc), so a restart of the stitcher shows as a counter reset, as Prometheus expects.
   */
  private define(
    kind: 'gauge' | 'counter',
    name: string,
    help: string,
    samples: () => Sample[],
    labelNames: string[] = [],
  ): void {
    const registers = [this.registry];
    if (kind === 'gauge') {
      new Gauge({
        name,
        help,
        labelNames,
        registers,
        collect() {
          this.reset();
          for (const sample of samples()) this.set(sample.labels, sample.value);
        },
      });
    } else {
      new Counter({
        name,
        help,
        labelNames,
        registers,
        collect() {
          this.reset();
          for (const sample of samples()) this.inc(sample.labels, sample.value);
        },
      });
    }
  }
}
