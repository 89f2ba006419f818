import type { API, DynamicPlatformPlugin, Logging, PlatformAccessory, PlatformConfig } from 'homebridge';
import { configSecrets } from '../core/config/redactIssues';
import { ConfigError } from '../core/errors';
import { createLogger, type Logger } from '../core/logger';
import { MediaCore } from '../core/media/mediaCore';
import type { Stitcher } from '../core/stitcher/stitcher';
import { homebridgeLogSink } from './homebridgeLogSink';
import { accessoryName, accessoryUuidSeed, splitPlatformConfig } from './platformConfig';
import { PLATFORM_NAME, PLUGIN_NAME } from './settings';
import { StreamingDelegate } from './streamingDelegate';

/** One mosaic as a HomeKit camera. */
interface MosaicCamera {
  /** The accessory's name when it is first added. */
  name: string;
  uuidSeed: string;
  stitcher: Stitcher;
  logger: Logger;
  delegate?: StreamingDelegate;
}

/**
 * The Homebridge face of camera-mosaic: one camera accessory per mosaic of one media core (the
 * cameras pulled and decoded once, a Stitcher per mosaic, the RTSP server when the form turns it
 * on; no HTTP server). Homebridge hands back
 * the cached accessories (`configureAccessory`) before `didFinishLaunching`; the work starts after
 * it, so a restart reuses them (and the user's rooms, names and automations) instead of adding
 * more cameras; the first mosaic keeps the UUID the one-mosaic plugin used, so an existing pairing
 * survives a switch to `mosaics`. Accessories of mosaics no longer configured are removed. An
 * invalid config, or a start that fails (the media core then stops everything it started), leaves
 * the platform loaded and idle with the reason in the log: one plugin's mistake must not take the
 * bridge down.
 */
export class CameraMosaicPlatform implements DynamicPlatformPlugin {
  private readonly cachedAccessories = new Map<string, PlatformAccessory>();
  private readonly logger: Logger;
  private readonly media: MediaCore | undefined;
  private readonly cameras: MosaicCamera[] = [];

  constructor(
    log: Logging,
    config: PlatformConfig,
    private readonly api: API,
  ) {
    const { name, mosaic, ignored } = splitPlatformConfig(config);
    const sink = homebridgeLogSink(log);
    let failure: unknown;
    try {
      this.media = new MediaCore(mosaic, { logSink: sink });
    } catch (error) {
      failure = error;
    }
    // Without a media core (an invalid config) the secrets still come from the one function.
    this.logger = this.media?.logger('homekit') ?? createLogger('homekit', sink, configSecrets(mosaic));
    if (ignored.length > 0) {
      this.logger.info(`ignored what the settings form left empty or hidden: ${ignored.join(', ')}`);
    }
    if (this.media) this.cameras = this.mosaicCameras(this.media, name);
    else this.reportInvalid(failure);
    // A rejected promise here would be unhandled and end the whole bridge: log it instead.
    const report = (what: string) => (error: unknown) =>
      this.logger.error(`${what} failed: ${messageOf(error)}`);
    api.on('didFinishLaunching', () => this.launch().catch(report('starting the camera')));
    api.on('shutdown', () => this.shutdown().catch(report('stopping the camera')));
  }

  /** Homebridge restores an accessory from its cache; keep it to reuse in `launch`. */
  configureAccessory(accessory: PlatformAccessory): void {
    this.cachedAccessories.set(accessory.UUID, accessory);
  }

  /** An accessory per mosaic, in config order; each logs under its own scope when there are several. */
  private mosaicCameras(media: MediaCore, name: string): MosaicCamera[] {
    const several = media.mosaics.size > 1;
    return [...media.mosaics.values()].map((stitcher, index) => {
      const mosaic = stitcher.mosaic.name;
      return {
        name: accessoryName(name, media.config.mosaics ? mosaic : undefined),
        uuidSeed: accessoryUuidSeed(name, index === 0 ? undefined : mosaic),
        stitcher,
        logger: several ? media.logger(`homekit:${mosaic}`) : this.logger,
      };
    });
  }

  private reportInvalid(error: unknown): void {
    if (!(error instanceof ConfigError)) {
      this.logger.error(`cannot create the mosaic: ${messageOf(error)}`);
      return;
    }
    const lines = error.issues.map((i) => `  ${i.field ? `${i.field}: ` : ''}${i.reason}`);
    this.logger.error(
      `invalid config for platform "${PLATFORM_NAME}"; the camera stays off until it is fixed ` +
        `(Homebridge UI → Plugins → Camera Mosaic → Settings):\n${lines.join('\n')}`,
    );
  }

  private async launch(): Promise<void> {
    const media = this.media;
    if (!media) return;
    const { hap } = this.api;
    const uuids = this.cameras.map((m) => hap.uuid.generate(m.uuidSeed));
    const stale = [...this.cachedAccessories.values()].filter((a) => !uuids.includes(a.UUID));
    if (stale.length > 0) {
      this.api.unregisterPlatformAccessories(PLUGIN_NAME, PLATFORM_NAME, stale);
      for (const accessory of stale) this.cachedAccessories.delete(accessory.UUID);
      this.logger.info(`removed ${stale.length} cached accessory(ies) no longer configured`);
    }
    const added: PlatformAccessory[] = [];
    const restored: PlatformAccessory[] = [];
    this.cameras.forEach((camera, i) => {
      const uuid = uuids[i];
      const cached = this.cachedAccessories.get(uuid);
      const accessory = cached ?? new this.api.platformAccessory(camera.name, uuid, hap.Categories.CAMERA);
      accessory
        .getService(hap.Service.AccessoryInformation)
        ?.setCharacteristic(hap.Characteristic.Manufacturer, 'camera-mosaic')
        .setCharacteristic(hap.Characteristic.Model, 'Mosaic')
        .setCharacteristic(hap.Characteristic.SerialNumber, uuid.slice(0, 8));
      camera.delegate = new StreamingDelegate(hap, camera.stitcher, camera.logger);
      // Controllers are not cached: a restored accessory gets its camera controller again here.
      accessory.configureController(camera.delegate.controller);
      if (cached) {
        restored.push(accessory);
        this.logger.info(`restored camera accessory "${camera.name}" from the cache`);
      } else {
        added.push(accessory);
        this.logger.info(`added camera accessory "${camera.name}"`);
      }
    });
    if (restored.length > 0) this.api.updatePlatformAccessories(restored);
    if (added.length > 0) this.api.registerPlatformAccessories(PLUGIN_NAME, PLATFORM_NAME, added);
    this.reportUnreachableCameras(media);
    try {
      await media.start();
    } catch (error) {
      // e.g. a missing font, NativeLoadError (no addon for this platform). The media core has
      // stopped every camera and mosaic again; the bridge keeps running.
      this.logger.error(
        `cannot start the mosaic: ${messageOf(error)}; every camera and mosaic is stopped again ` +
          '(fix the cause, then restart Homebridge or this child bridge)',
      );
    }
  }

  /**
   * The hub logs every state change; a user reading the Homebridge log also needs to know
   * which URL failed (password masked) and what the tile does meanwhile — said once per camera.
   */
  private reportUnreachableCameras(media: MediaCore): void {
    const reported = new Set<string>();
    media.on('camerastate', ({ camera, state, error }) => {
      if (state !== 'offline' || reported.has(camera)) return;
      reported.add(camera);
      this.logger.warn(
        `camera ${camera} (${media.hub.displayUrl(camera) ?? '?'}) cannot be reached` +
          `${error ? `: ${error}` : ''}; its tile stays black while it is retried`,
      );
    });
  }

  private async shutdown(): Promise<void> {
    for (const camera of this.cameras) camera.delegate?.close();
    await this.media?.close();
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
