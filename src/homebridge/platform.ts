import type { API, DynamicPlatformPlugin, Logging, PlatformAccessory, PlatformConfig } from 'homebridge';
import { mosaicDefinitions } from '../core/config/mosaicDefinitions';
import { configPasswords } from '../core/config/redactIssues';
import { validateConfig } from '../core/config/validateConfig';
import { ConfigError } from '../core/errors';
import { createLogger, type Logger, type LogSink } from '../core/logger';
import { CameraHub } from '../core/stitcher/cameraHub';
import { Stitcher } from '../core/stitcher/stitcher';
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

/** The cameras (decoded once) and one camera accessory per mosaic over them. */
interface Media {
  hub: CameraHub;
  mosaics: MosaicCamera[];
}

/**
 * The Homebridge face of camera-mosaic: one camera accessory per mosaic, all over one CameraHub
 * (each camera pulled and decoded once). Homebridge hands back the cached accessories
 * (`configureAccessory`) before `didFinishLaunching`; the work starts after it, so a restart
 * reuses them (and the user's rooms, names and automations) instead of adding more cameras; the
 * first mosaic keeps the UUID the one-mosaic plugin used, so an existing pairing survives a
 * switch to `mosaics`. Accessories of mosaics no longer configured are removed. An invalid
 * config leaves the platform loaded and idle with the reason in the log: one plugin's typo must
 * not take the bridge down.
 */
export class CameraMosaicPlatform implements DynamicPlatformPlugin {
  private readonly cachedAccessories = new Map<string, PlatformAccessory>();
  private readonly logger: Logger;
  private readonly media: Media | undefined;

  constructor(
    log: Logging,
    config: PlatformConfig,
    private readonly api: API,
  ) {
    const { name, mosaic, ignored } = splitPlatformConfig(config);
    const sink = homebridgeLogSink(log);
    const secrets = configPasswords(mosaic);
    this.logger = createLogger('homekit', sink, secrets);
    if (ignored.length > 0) {
      this.logger.info(`ignored what the settings form left empty or hidden: ${ignored.join(', ')}`);
    }
    this.media = this.createMedia(name, mosaic, sink, secrets);
    // A rejected promise here would be unhandled and end the whole bridge: log it instead.
    const report = (what: string) => (error: unknown) =>
      this.logger.error(`${what} failed: ${error instanceof Error ? error.message : String(error)}`);
    api.on('didFinishLaunching', () => this.launch().catch(report('starting the camera')));
    api.on('shutdown', () => this.shutdown().catch(report('stopping the camera')));
  }

  /** Homebridge restores an accessory from its cache; keep it to reuse in `launch`. */
  configureAccessory(accessory: PlatformAccessory): void {
    this.cachedAccessories.set(accessory.UUID, accessory);
  }

  private createMedia(
    name: string,
    document: Record<string, unknown>,
    sink: LogSink,
    secrets: string[],
  ): Media | undefined {
    try {
      const config = validateConfig(document);
      const hub = new CameraHub(config, { logger: createLogger('cameras', sink, secrets) });
      const definitions = mosaicDefinitions(config);
      const several = definitions.length > 1;
      const mosaics = definitions.map((definition, index): MosaicCamera => {
        const scope = several ? `:${definition.name}` : '';
        return {
          name: accessoryName(name, config.mosaics ? definition.name : undefined),
          uuidSeed: accessoryUuidSeed(name, index === 0 ? undefined : definition.name),
          stitcher: new Stitcher(config, {
            hub,
            mosaic: definition.name,
            logger: createLogger(`stitcher${scope}`, sink, secrets),
          }),
          logger: several ? createLogger(`homekit${scope}`, sink, secrets) : this.logger,
        };
      });
      return { hub, mosaics };
    } catch (error) {
      if (!(error instanceof ConfigError)) {
        this.logger.error(
          `cannot create the mosaic: ${error instanceof Error ? error.message : String(error)}`,
        );
        return undefined;
      }
      const lines = error.issues.map((i) => `  ${i.field ? `${i.field}: ` : ''}${i.reason}`);
      this.logger.error(
        `invalid config for platform "${PLATFORM_NAME}"; the camera stays off until it is fixed ` +
          `(Homebridge UI → Plugins → Camera Mosaic → Settings):\n${lines.join('\n')}`,
      );
      return undefined;
    }
  }

  private async launch(): Promise<void> {
    const media = this.media;
    if (!media) return;
    const { hap } = this.api;
    const uuids = media.mosaics.map((m) => hap.uuid.generate(m.uuidSeed));
    const stale = [...this.cachedAccessories.values()].filter((a) => !uuids.includes(a.UUID));
    if (stale.length > 0) {
      this.api.unregisterPlatformAccessories(PLUGIN_NAME, PLATFORM_NAME, stale);
      for (const accessory of stale) this.cachedAccessories.delete(accessory.UUID);
      this.logger.info(`removed ${stale.length} cached accessory(ies) no longer configured`);
    }
    const added: PlatformAccessory[] = [];
    const restored: PlatformAccessory[] = [];
    media.mosaics.forEach((mosaic, i) => {
      const uuid = uuids[i];
      const cached = this.cachedAccessories.get(uuid);
      const accessory = cached ?? new this.api.platformAccessory(mosaic.name, uuid, hap.Categories.CAMERA);
      accessory
        .getService(hap.Service.AccessoryInformation)
        ?.setCharacteristic(hap.Characteristic.Manufacturer, 'camera-mosaic')
        .setCharacteristic(hap.Characteristic.Model, 'Mosaic')
        .setCharacteristic(hap.Characteristic.SerialNumber, uuid.slice(0, 8));
      mosaic.delegate = new StreamingDelegate(hap, mosaic.stitcher, mosaic.logger);
      // Controllers are not cached: a restored accessory gets its camera controller again here.
      accessory.configureController(mosaic.delegate.controller);
      if (cached) {
        restored.push(accessory);
        this.logger.info(`restored camera accessory "${mosaic.name}" from the cache`);
      } else {
        added.push(accessory);
        this.logger.info(`added camera accessory "${mosaic.name}"`);
      }
    });
    if (restored.length > 0) this.api.updatePlatformAccessories(restored);
    if (added.length > 0) this.api.registerPlatformAccessories(PLUGIN_NAME, PLATFORM_NAME, added);
    this.reportUnreachableCameras(media);
    try {
      media.hub.start();
      for (const { stitcher } of media.mosaics) await stitcher.start();
    } catch (error) {
      // e.g. NativeLoadError: the addon is missing for this platform. The bridge keeps running.
      this.logger.error(`cannot start the mosaic: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /**
   * The hub logs every state change; a user reading the Homebridge log also needs to know
   * which URL failed (password masked) and what the tile does meanwhile — said once per camera.
   */
  private reportUnreachableCameras({ hub, mosaics }: Media): void {
    const reported = new Set<string>();
    const [first] = mosaics;
    hub.on('camerastate', ({ camera, state, error }) => {
      if (state !== 'offline' || reported.has(camera)) return;
      reported.add(camera);
      this.logger.warn(
        `camera ${camera} (${first?.stitcher.displayUrl(camera) ?? '?'}) cannot be reached` +
          `${error ? `: ${error}` : ''}; its tile stays black while it is retried`,
      );
    });
  }

  private async shutdown(): Promise<void> {
    const media = this.media;
    if (!media) return;
    for (const mosaic of media.mosaics) mosaic.delegate?.close();
    await Promise.all(media.mosaics.map(({ stitcher }) => stitcher.stop()));
    await media.hub.stop();
  }
}
