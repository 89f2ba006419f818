import type { Engine } from '../core/engine';
import type { CameraStateEvent, MotionEvent } from '../core/stitcher/cameraHub';
import { findMosaic, messageMosaic, nodeMosaicName } from './engineClient';
import { errorText, failureStatus, reportFailure } from './errorText';
import { liveStatus } from './liveStatus';
import { statusOptions } from './nodeOptions';
import type { Node, NodeApi, NodeDef, NodeMessage } from './nodeRedTypes';

type MosaicStatusDef = NodeDef & { engine?: string; interval?: unknown; mosaic?: string };

/**
 * `mosaic-status`: output 1 gets every camera state change (`{camera, state, since, error?}`),
 * output 2 the engine's stats every `interval` seconds and on any input (every mosaic's, or with
 * the node's "Mosaic" property or `msg.mosaic` that one's, with `msg.mosaic`), output 3 every
 * motion change (`{camera, active, score, since}`). The node's status dot says how many cameras
 * are live and names offline publishing outputs.
 */
export = function register(RED: NodeApi): void {
  function MosaicStatus(this: Node, def: MosaicStatusDef): void {
    RED.nodes.createNode(this, def);
    const mosaic = findMosaic(RED, this, def.engine);
    const nodeMosaic = nodeMosaicName(def.mosaic);
    let timer: NodeJS.Timeout | undefined;
    let closed = false;

    const showStatus = (): void => {
      const engine = mosaic?.current();
      if (!engine) return;
      try {
        this.status(liveStatus(engine, nodeMosaic));
      } catch (error) {
        this.status(failureStatus(error)); // the "Mosaic" property names no mosaic of the engine
      }
    };
    const onCameraState = (event: CameraStateEvent): void => {
      // The topic keeps the event's old name: flows switch on it (see the node's help).
      this.send([{ topic: 'tilestate', payload: { ...event } }, null, null]);
      showStatus();
    };
    const onMotion = (event: MotionEvent): void => {
      this.send([null, null, { topic: 'motion', payload: { ...event } }]);
    };
    const onOutputState = (name: string): void => {
      if (nodeMosaic === undefined || nodeMosaic === name) showStatus();
    };
    /** Throws ConfigError (shown and sent to catch nodes) for a mosaic the engine lacks. */
    const statsMessage = (engine: Engine, name: string | undefined): NodeMessage => {
      if (name === undefined) return { topic: 'stats', payload: engine.stats() };
      const stitcher = engine.mosaic(name);
      return { topic: 'stats', mosaic: name, payload: engine.stats().mosaics[stitcher.mosaic.name] };
    };
    const sendStats = (): void => {
      const engine = mosaic?.current();
      if (!engine) return;
      try {
        this.send([null, statsMessage(engine, nodeMosaic), null]);
      } catch (error) {
        reportFailure(this, error);
      }
    };

    let interval = 60;
    try {
      interval = statusOptions({ interval: def.interval }).interval;
    } catch (error) {
      reportFailure(this, error);
      return;
    }

    if (mosaic) {
      // Subscribed before the start, so the first `connecting → live` changes are not missed.
      mosaic.on('camerastate', onCameraState);
      mosaic.on('motion', onMotion);
      mosaic.on('outputstate', onOutputState);
      mosaic.on('start', showStatus);
      mosaic.on('stop', showStatus);
      this.status({ fill: 'yellow', shape: 'ring', text: 'starting' });
      mosaic.start().then(
        (engine) => {
          if (closed) return;
          try {
            engine.mosaic(nodeMosaic);
          } catch (error) {
            reportFailure(this, error);
            return;
          }
          showStatus();
        },
        (error: unknown) => {
          if (closed) return;
          reportFailure(this, error);
        },
      );
      if (interval > 0) timer = setInterval(sendStats, interval * 1000);
    }

    this.on('input', (msg, send, done) => {
      const engine = mosaic?.current();
      if (!engine) {
        // Say why, else "not running" leaves a user guessing (a taken port, an invalid config).
        const why = mosaic?.failure;
        done(
          !mosaic
            ? 'no mosaic-engine configured: pick one in the node\'s "Engine" field'
            : `the mosaic-engine is not running${why === undefined ? '' : `: ${errorText(why)}`}`,
        );
        return;
      }
      try {
        // The same reading of msg.mosaic as control and snapshot: a non-string is an error, not
        // silently the node's own mosaic.
        const name = messageMosaic(msg) ?? nodeMosaic;
        send([null, { ...msg, ...statsMessage(engine, name) }, null]);
        done();
      } catch (error) {
        this.status(failureStatus(error));
        done(errorText(error));
      }
    });

    this.on('close', (_removed, done) => {
      closed = true;
      if (timer) clearInterval(timer);
      mosaic?.off('camerastate', onCameraState);
      mosaic?.off('motion', onMotion);
      mosaic?.off('outputstate', onOutputState);
      mosaic?.off('start', showStatus);
      mosaic?.off('stop', showStatus);
      done();
    });
  }
  RED.nodes.registerType('mosaic-status', MosaicStatus);
};
