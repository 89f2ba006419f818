import type { TileStateEvent } from '../core/stitcher/stitcher';
import { failureStatus, findMosaic } from './engineClient';
import { liveStatus } from './liveStatus';
import { statusOptions } from './nodeOptions';
import type { Node, NodeApi, NodeDef } from './nodeRedTypes';

type MosaicStatusDef = NodeDef & { engine?: string; interval?: unknown };

/**
 * `mosaic-status`: output 1 gets every camera state change (`{camera, state, since, error?}`),
 * output 2 the engine's stats every `interval` seconds and on any input. The node's status dot
 * says how many cameras are live.
 */
export = function register(RED: NodeApi): void {
  function MosaicStatus(this: Node, def: MosaicStatusDef): void {
    RED.nodes.createNode(this, def);
    const mosaic = findMosaic(RED, this, def.engine);
    let timer: NodeJS.Timeout | undefined;
    let closed = false;

    const showStatus = (): void => {
      const engine = mosaic?.current();
      if (engine) this.status(liveStatus(engine));
    };
    const onTileState = (event: TileStateEvent): void => {
      this.send([{ topic: 'tilestate', payload: { ...event } }, null]);
      showStatus();
    };
    const sendStats = (): void => {
      const engine = mosaic?.current();
      if (engine) this.send([null, { topic: 'stats', payload: engine.stats() }]);
    };

    let interval = 60;
    try {
      interval = statusOptions({ interval: def.interval }).interval;
    } catch (error) {
      this.status(failureStatus(error));
      this.error(error);
      return;
    }

    if (mosaic) {
      // Subscribed before the start, so the first `connecting → live` changes are not missed.
      mosaic.on('tilestate', onTileState);
      mosaic.on('runningchange', showStatus);
      this.status({ fill: 'yellow', shape: 'ring', text: 'starting' });
      mosaic.start().then(showStatus, (error: unknown) => {
        if (closed) return;
        this.status(failureStatus(error));
        this.error(error);
      });
      if (interval > 0) timer = setInterval(sendStats, interval * 1000);
    }

    this.on('input', (msg, send, done) => {
      const engine = mosaic?.current();
      if (!engine) {
        done(new Error('no mosaic-engine running'));
        return;
      }
      send([null, { ...msg, topic: 'stats', payload: engine.stats() }]);
      done();
    });

    this.on('close', (_removed, done) => {
      closed = true;
      if (timer) clearInterval(timer);
      mosaic?.off('tilestate', onTileState);
      mosaic?.off('runningchange', showStatus);
      done();
    });
  }
  RED.nodes.registerType('mosaic-status', MosaicStatus);
};
