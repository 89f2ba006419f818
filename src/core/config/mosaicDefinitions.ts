import type { LabelsConfig } from './labelsSchema';
import type { LayoutConfig } from './layoutSchema';
import type { MosaicConfig } from './mosaicConfigSchema';
import type { OutputConfig } from './outputSchema';

/** The name of the one mosaic of a config written without `mosaics`. */
export const defaultMosaicName = 'default';

/** One mosaic of a validated config, whichever way it was written. */
export interface MosaicDefinition {
  name: string;
  output: OutputConfig;
  layout?: LayoutConfig;
  labels: LabelsConfig;
  outputs: MosaicConfig['outputs'];
  /** Where its fields are in the config document, for error messages: '' or `mosaics[1].`. */
  fieldPrefix: string;
}

/** The mosaics of a validated config: `mosaics`, or the one the top-level fields describe. */
export function mosaicDefinitions(config: MosaicConfig): MosaicDefinition[] {
  if (!config.mosaics) {
    const { output, layout, labels, outputs } = config;
    return [{ name: defaultMosaicName, output, layout, labels, outputs, fieldPrefix: '' }];
  }
  return config.mosaics.map((mosaic, i) => ({ ...mosaic, fieldPrefix: `mosaics[${i}].` }));
}
