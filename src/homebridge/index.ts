import type { API } from 'homebridge';
import { CameraMosaicPlatform } from './platform';
import { PLATFORM_NAME } from './settings';

/**
 * The Homebridge initializer: Homebridge calls the function it finds as the package's main (or
 * its `default`). Types only come from homebridge, so loading this module needs no Homebridge.
 */
export default function registerCameraMosaic(api: API): void {
  // The two-argument form: Homebridge 1.x and 2.x both accept it.
  api.registerPlatform(PLATFORM_NAME, CameraMosaicPlatform);
}
