import type { MosaicConfig } from '../config/types';
import { EnhancedEventEmitter } from '../enhancedEvents';
import { InvalidStateError } from '../errors';
import { createLogger, type Logger } from '../logger';
import { configSecrets } from '../config/redactIssues';
import { redactText, redactUrl } from '../redact';
import { hostNotFound } from './hostNotFound';
import { loadNativeAddon } from './nativeBinding';
import type { NativeSourcePool, NativeSourceState, NativeSourceStats, NativeStreamName } from './nativeTypes';
import { relayedUrl, rtspsTarget, TlsPinRelay } from './tlsPinRelay';

export type CameraState = NativeSourceState;

/** A camera's state changed (`camerastate`); every tile showing it shows the change. */
export interface CameraStateEvent {
  camera: string;
  state: CameraState;
  /** Epoch ms of the change. */
  since: number;
  /** Why it went offline, passwords masked; absent when there is no error. */
  error?: string;
}

/** @deprecated The old name of {@link CameraStateEvent}. */
export type TileStateEvent = CameraStateEvent;

/** A camera's motion turned on or off (with hysteresis: off a few seconds after the last change). */
export interface MotionEvent {
  camera: string;
  active: boolean;
  /** 0..100: the share of the picture that changed in the latest analysis, in percent. */
  score: number;
  /** Epoch ms. */
  since: number;
}

export interface CameraHubEvents extends Record<string, unknown[]> {
  /** The camera as a whole (live while any of its streams is); see `cameraState()`. */
  camerastate: [CameraStateEvent];
  motion: [MotionEvent];
  start: [];
  stop: [];
}

export interface CameraHubOptions {
  /** Where log lines go; defaults to stderr with `secrets` masked. */
  logger?: Logger;
  /**
   * What to mask in the errors it reports (events, stats); default the config's own
   * (configSecrets). The media core passes the secrets it collected.
   */
  secrets?: readonly string[];
}

type StreamStates = Partial<Record<NativeStreamName, CameraStateEvent>>;

/**
 * The cameras of one process, pulled and decoded once however many mosaics (Stitchers) show
 * them: the owner of the native SourcePool. A media core makes one for all its mosaics; a
 * Stitcher made without one makes its own. Errors it reports (events, stats) have `secrets` masked.
 */
export class CameraHub extends EnhancedEventEmitter<CameraHubEvents> {
  /** Masked wherever the cameras' errors show: the config's secrets and any given with it. */
  readonly secrets: readonly string[];
  private readonly logger: Logger;
  private native: NativeSourcePool | undefined;
  private stopping: Promise<void> | undefined;
  private starting: Promise<void> | undefined;
  private readonly streamStates = new Map<string, StreamStates>();
  private readonly cameraStates = new Map<string, CameraStateEvent>();
  private readonly motionStates = new Map<string, MotionEvent>();
  /** A host lookup in flight per `camera/stream`; a newer state of that stream cancels it. */
  private readonly lookups = new Map<string, object>();
  /** Per `camera/stream` of an rtsps:// stream with a pinned certificate (tlsFingerprint). */
  private readonly relays = new Map<string, TlsPinRelay>();

  /** `config` must be validated (validateConfig). */
  constructor(
    readonly config: MosaicConfig,
    options: CameraHubOptions = {},
  ) {
    super();
    this.secrets = options.secrets ?? configSecrets(config);
    this.logger = options.logger ?? createLogger('cameras', undefined, this.secrets);
  }

  get running(): boolean {
    return this.native !== undefined;
  }

  /** The native pool, for the Stitchers built over it; throws InvalidStateError when stopped. */
  get pool(): NativeSourcePool {
    if (!this.native) throw new InvalidStateError('cameras not started');
    return this.native;
  }

  /**
   * Opens every camera (a camera with a substream opens that first). Idempotent: a start while
   * one is under way waits for that one. Rejects (e.g. NativeLoadError) with nothing left open.
   */
  start(): Promise<void> {
    if (this.native) return Promise.resolve();
    if (this.stopping) return Promise.reject(new InvalidStateError('cameras still stopping'));
    this.starting ??= this.startNow().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async startNow(): Promise<void> {
    let native: NativeSourcePool;
    try {
      // The relays listen first: FFmpeg is handed their ports.
      const cameras = [];
      for (const camera of this.config.cameras) {
        cameras.push({
          name: camera.name,
          url: await this.openedUrl(camera, 'main', camera.url),
          // A pinned camera is relayed, and rtsps:// is always TCP (FFmpeg's too).
          transport: camera.tlsFingerprint ? 'tcp' : camera.transport,
          followRedirects: camera.followRedirects,
          ...(camera.subUrl ? { subUrl: await this.openedUrl(camera, 'sub', camera.subUrl) } : {}),
          ...(camera.title ? { title: camera.title } : {}),
          motion: camera.motion,
        });
      }
      native = new (loadNativeAddon().SourcePool)({ cameras, mainIdleCloseMs: this.config.mainStreamIdleMs });
    } catch (error) {
      // The relays of pinned cameras already listen: close them, or a failed start leaks them.
      for (const relay of this.relays.values()) void relay.close();
      this.relays.clear();
      throw error;
    }
    const now = Date.now();
    for (const camera of this.config.cameras) {
      this.streamStates.set(camera.name, {});
      this.cameraStates.set(camera.name, { camera: camera.name, state: 'connecting', since: now });
    }
    native.start(
      (camera, state, error, stream) => this.onStreamState(camera, stream, state, error),
      (camera, active, score) => this.onMotion(camera, active, score),
    );
    this.native = native;
    this.logger.info(`started ${this.config.cameras.length} cameras`);
    this.safeEmit('start');
  }

  /** Closes every camera; resolves when their threads have ended. Idempotent. */
  async stop(): Promise<void> {
    // A start under way finishes first (its relays listening, its pool made), then stops here.
    if (this.starting) await this.starting.catch(() => undefined);
    if (this.stopping) return this.stopping;
    const native = this.native;
    if (!native) return;
    const relays = [...this.relays.values()];
    this.relays.clear();
    this.stopping = native.stop().finally(async () => {
      await Promise.all(relays.map((relay) => relay.close()));
      this.native = undefined;
      this.stopping = undefined;
      this.streamStates.clear();
      this.lookups.clear();
      this.cameraStates.clear();
      this.motionStates.clear();
      this.safeEmit('stop');
    });
    return this.stopping;
  }

  /** The camera's state: live while any of its streams is, else its substream's (always open), else its main's. */
  cameraState(camera: string): CameraStateEvent | undefined {
    return this.cameraStates.get(camera);
  }

  /** The camera's latest motion change; undefined before its first. */
  motion(camera: string): MotionEvent | undefined {
    return this.motionStates.get(camera);
  }

  /** Native counters of every stream (main and sub) of every camera, errors masked; empty when stopped. */
  streams(): NativeSourceStats[] {
    return (this.native?.stats() ?? []).map((s) => {
      const reason = s.state === 'offline' ? this.relayReason(`${s.name}/${s.stream}`) : undefined;
      const lastError = reason ?? s.lastError;
      return lastError === '' ? s : { ...s, lastError: redactText(lastError, this.secrets) };
    });
  }

  /** The camera's URL as safe to show a user (password masked); undefined for a camera not in the config. */
  displayUrl(camera: string): string | undefined {
    const found = this.config.cameras.find((c) => c.name === camera);
    return found ? redactUrl(found.url) : undefined;
  }

  /** A relayed stream's FFmpeg only sees its connection end: the relay knows why. */
  private relayReason(key: string): string | undefined {
    const relay = this.relays.get(key);
    if (relay?.refusal !== undefined) return relay.refusal;
    return relay?.upstreamError === undefined ? undefined : `open: ${relay.upstreamError}`;
  }

  protected override onListenerError(event: string, error: unknown): void {
    this.logger.error(
      `a "${event}" listener threw: ${error instanceof Error ? error.message : String(error)}`,
    );
  }

  private onMotion(camera: string, active: boolean, score: number): void {
    if (!this.native) return;
    const event: MotionEvent = { camera, active, score: Math.round(score * 10) / 10, since: Date.now() };
    this.motionStates.set(camera, event);
    this.logger.debug(`camera ${camera}: motion ${active ? 'started' : 'ended'} (score ${event.score})`);
    this.safeEmit('motion', event);
  }

  private onStreamState(
    camera: string,
    stream: NativeStreamName,
    state: NativeSourceState,
    error: string,
  ): void {
    const key = `${camera}/${stream}`;
    this.lookups.delete(key);
    if (state === 'offline') error = this.relayReason(key) ?? error;
    error = redactText(error, this.secrets);
    const config = this.config.cameras.find((c) => c.name === camera);
    const url = stream === 'sub' ? config?.subUrl : config?.url;
    if (state !== 'offline' || !error.startsWith('open: ') || !url) {
      this.applyStreamState(camera, stream, state, error);
      return;
    }
    // An open that failed may be a name that does not resolve: say so (the offline state waits
    // for the lookup, so an alert flow gets one message with the reason, not two).
    const token = {};
    this.lookups.set(key, token);
    void hostNotFound(url).then((host) => {
      if (this.lookups.get(key) !== token) return;
      this.lookups.delete(key);
      this.applyStreamState(camera, stream, state, host === undefined ? error : `host not found: ${host}`);
    });
  }

  /** What FFmpeg opens for a stream: the URL, or for a pinned rtsps:// one its relay's. */
  private async openedUrl(
    camera: MosaicConfig['cameras'][number],
    stream: NativeStreamName,
    url: string,
  ): Promise<string> {
    if (camera.tlsFingerprint === undefined) return url;
    if (!url.toLowerCase().startsWith('rtsps://')) {
      this.logger.warn(
        `camera ${camera.name}: tlsFingerprint has no effect on its ${stream} stream (not rtsps://)`,
      );
      return url;
    }
    const relay = await TlsPinRelay.listen(rtspsTarget(url), camera.tlsFingerprint);
    this.relays.set(`${camera.name}/${stream}`, relay);
    return relayedUrl(url, relay.port);
  }

  private applyStreamState(
    camera: string,
    stream: NativeStreamName,
    state: NativeSourceState,
    error: string,
  ): void {
    const streams = this.streamStates.get(camera);
    if (!this.native || !streams) return;
    const event: CameraStateEvent = { camera, state, since: Date.now(), ...(error ? { error } : {}) };
    streams[stream] = event;
    const hasSub = this.config.cameras.some((c) => c.name === camera && c.subUrl);
    if (hasSub) {
      const log = state === 'offline' ? this.logger.warn : this.logger.debug;
      log(`camera ${camera} (${stream} stream): ${state}${error ? ` (${error})` : ''}`);
    }
    const combined = combinedState(streams, hasSub);
    const previous = this.cameraStates.get(camera);
    if (!combined || (previous?.state === combined.state && previous.error === combined.error)) return;
    this.cameraStates.set(camera, combined);
    const log = combined.state === 'offline' ? this.logger.warn : this.logger.info;
    log(`camera ${camera}: ${combined.state}${combined.error ? ` (${combined.error})` : ''}`);
    this.safeEmit('camerastate', combined);
    // A camera that stopped sending cannot report the end of its motion: end it here, or an
    // auto layout would keep a dead camera big.
    if (combined.state !== 'live' && this.motionStates.get(camera)?.active) this.onMotion(camera, false, 0);
  }
}

function combinedState(streams: StreamStates, hasSub: boolean): CameraStateEvent | undefined {
  if (!hasSub) return streams.main;
  if (streams.main?.state === 'live') return streams.main;
  return streams.sub;
}
