import { ConfigError } from '../core/errors';
import { findMosaic, messageMosaic, nodeMosaicName } from './engineClient';
import { errorText, failureStatus, reportFailure } from './errorText';
import { snapshotOptions, type SnapshotOptions } from './nodeOptions';
import type { Node, NodeApi, NodeDef } from './nodeRedTypes';

type MosaicSnapshotDef = NodeDef & {
  engine?: string;
  mosaic?: string;
  width?: unknown;
  height?: unknown;
  quality?: unknown;
};

/**
 * `mosaic-snapshot`: any input → `msg.payload` = a JPEG of the current mosaic (a Buffer), sized by
 * the node's properties or `msg.snapshot = {width, height, quality}`; of the mosaic `msg.mosaic`
 * or the node's "Mosaic" property names (the engine's first when neither does).
 */
export = function register(RED: NodeApi): void {
  function MosaicSnapshot(this: Node, def: MosaicSnapshotDef): void {
    RED.nodes.createNode(this, def);
    const mosaic = findMosaic(RED, this, def.engine);
    const nodeMosaic = nodeMosaicName(def.mosaic);
    let defaults: SnapshotOptions = {};
    try {
      defaults = snapshotOptions({ width: def.width, height: def.height, quality: def.quality }, '');
    } catch (error) {
      reportFailure(this, error);
      return;
    }
    if (mosaic) {
      mosaic
        .start()
        .then((engine) => engine.mosaic(nodeMosaic)) // an unknown "Mosaic" property shows at deploy
        .catch((error: unknown) => reportFailure(this, error));
    }

    this.on('input', (msg, send, done) => {
      if (!mosaic) {
        done('no mosaic-engine configured: pick one in the node\'s "Engine" field');
        return;
      }
      let taken = '';
      const take = async (): Promise<Buffer> => {
        const asked = messageMosaic(msg);
        const override = msg['snapshot'];
        if (override !== undefined && !isRecord(override)) {
          throw new ConfigError([
            { field: 'snapshot', reason: 'must be an object {width, height, quality}' },
          ]);
        }
        const options =
          override === undefined ? defaults : { ...defaults, ...snapshotOptions(override, 'snapshot') };
        const engine = await mosaic.whenRunning();
        const stitcher = engine.mosaic(asked ?? nodeMosaic);
        taken = stitcher.mosaic.name;
        return stitcher.snapshot(options);
      };
      take().then(
        (jpeg) => {
          this.status({
            fill: 'green',
            shape: 'dot',
            text: `${Math.round(jpeg.length / 1024)} KiB at ${new Date().toLocaleTimeString()}`,
          });
          send({ ...msg, payload: jpeg, contentType: 'image/jpeg', mosaic: taken });
          done();
        },
        (error: unknown) => {
          this.status(failureStatus(error));
          done(errorText(error));
        },
      );
    });
  }
  RED.nodes.registerType('mosaic-snapshot', MosaicSnapshot);
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
