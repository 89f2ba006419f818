import type { API, DynamicPlatformPlugin, Logging, PlatformAccessory, PlatformConfig } from 'homebridge';
import { cameraPasswords } from '../core/config/redactIssues';
import { ConfigError } from '../core/errors';
import { createLogger, type Logger } from '../core/logger';
import { Stitcher } from '../core/stitcher/stitcher';
import { homebridgeLogSink } from './homebridgeLogSink';
import { splitPlatformConfig } from './platformConfig';
import { PLATFORM_NAME, PLUGIN_NAME } from './settings';
import { StreamingDelegate } from './streamingDelegate';

/**
 * The Homebridge face of camera-mosaic: one camera accessory showing the mosaic. Homebridge
 * hands back the cached accessory (`configureAccessory`) before `didFinishLaunching`; the work
 * starts after it, so a restart reuses the accessory (and the user's room, name and automations)
 * instead of adding a second camera. An invalid config leaves the platform loaded and idle with
 * the reason in the log: one plugin's typo must not take the bridge down.
 */
export class CameraMosaicPlatform implements DynamicPlatformPlugin {
  private readonly cachedAccessories = new Map<string, PlatformAccessory>();
  private readonly logger: Logger;
  private readonly name: string;
  private readonly stitcher: Stitcher | undefined;
  private delegate: StreamingDelegate | undefined;

  constructor(
    log: Logging,
    config: PlatformConfig,
    private readonly api: API,
  ) {
    const { name, mosaic } = splitPlatformConfig(config);
    this.name = name;
    const sink = homebridgeLogSink(log);
    const secrets = cameraPasswords(mosaic);
    this.logger = createLogger('homekit', sink, secrets);
    this.stitcher = this.createStitcher(mosaic, createLogger('stitcher', sink, secrets));
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

  private createStitcher(mosaic: Record<string, unknown>, logger: Logger): Stitcher | undefined {
    try {
      return new Stitcher(mosaic, { logger });
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
    const stitcher = this.stitcher;
    if (!stitcher) return;
    const { hap } = this.api;
    const uuid = hap.uuid.generate(`${PLUGIN_NAME}:${this.name}`);
    const stale = [...this.cachedAccessories.values()].filter((a) => a.UUID !== uuid);
    if (stale.length > 0) {
      this.api.unregisterPlatformAccessories(PLUGIN_NAME, PLATFORM_NAME, stale);
      this.logger.info(`removed ${stale.length} cached accessory(ies) no longer configured`);
    }
    const cached = this.cachedAccessories.get(uuid);
    const accessory = cached ?? new this.api.platformAccessory(this.name, uuid, hap.Categories.CAMERA);
    accessory
      .getService(hap.Service.AccessoryInformation)
      ?.setCharacteristic(hap.Characteristic.Manufacturer, 'camera-mosaic')
      .setCharacteristic(hap.Characteristic.Model, 'Mosaic')
      .setCharacteristic(hap.Characteristic.SerialNumber, uuid.slice(0, 8));
    this.delegate = new StreamingDelegate(hap, stitcher, this.logger);
    // Controllers are not cached: a restored accessory gets its camera controller again here.
    accessory.configureController(this.delegate.controller);
    if (cached) {
      this.api.updatePlatformAccessories([accessory]);
      this.logger.info(`restored camera accessory "${this.name}" from the cache`);
    } else {
      this.api.registerPlatformAccessories(PLUGIN_NAME, PLATFORM_NAME, [accessory]);
      this.logger.info(`added camera accessory "${this.name}"`);
    }
    this.reportUnreachableCameras(stitcher);
    try {
      await stitcher.start();
    } catch (error) {
      // e.g. NativeLoadError: the addon is missing for this platform. The bridge keeps running.
      this.logger.error(`cannot start the mosaic: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /**
   * The stitcher logs every state change; a user reading the Homebridge log also needs to know
   * which URL failed (password masked) and what the tile does meanwhile — said once per camera.
   */
  private reportUnreachableCameras(stitcher: Stitcher): void {
    const reported = new Set<string>();
    stitcher.on('tilestate', ({ camera, state, error }) => {
      if (state !== 'offline' || reported.has(camera)) return;
      reported.add(camera);
      this.logger.warn(
        `camera ${camera} (${stitcher.displayUrl(camera) ?? '?'}) cannot be reached` +
          `${error ? `: ${error}` : ''}; its tile stays black while it is retried`,
      );
    });
  }

  private async shutdown(): Promise<void> {
    this.delegate?.close();
    await this.stitcher?.stop();
  }
}
