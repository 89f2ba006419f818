import { ConfigError } from '../core/errors';
import type { Tile } from '../core/layout/tile';
import type { Stitcher } from '../core/stitcher/stitcher';
import { parseCommand, type ControlCommand } from './controlCommand';
import { findMosaic, messageMosaic, nodeMosaicName } from './engineClient';
import { errorText, failureStatus, reportFailure } from './errorText';
import type { MosaicRuntime } from './mosaicRuntime';
import type { Node, NodeApi, NodeDef, NodeMessage } from './nodeRedTypes';

type MosaicControlDef = NodeDef & { engine?: string; mosaic?: string };

interface PendingReturn {
  timer: NodeJS.Timeout;
  layout: { tiles: Tile[] };
}

/**
 * `mosaic-control`: commands in, the applied layout out. start, stop, layout, focus (with an
 * optional return timer), swap, keyframe; see controlCommand.ts for the accepted shapes. Layout,
 * focus, swap and keyframe go to one mosaic of the engine: `payload.mosaic`, else `msg.mosaic`,
 * else the node's "Mosaic" property, else the first; start and stop concern them all.
 */
export = function register(RED: NodeApi): void {
  function MosaicControl(this: Node, def: MosaicControlDef): void {
    RED.nodes.createNode(this, def);
    const mosaic = findMosaic(RED, this, def.engine);
    const nodeMosaic = nodeMosaicName(def.mosaic);
    // One return timer per mosaic: a focus on the hallway TV leaves the kitchen's timer alone.
    const pending = new Map<string, PendingReturn>();

    const cancelReturn = (name?: string): void => {
      for (const [key, entry] of pending) {
        if (name !== undefined && key !== name) continue;
        clearTimeout(entry.timer);
        pending.delete(key);
      }
    };

    const scheduleReturn = (stitcher: Stitcher, previous: { tiles: Tile[] }, seconds: number): void => {
      const name = stitcher.mosaic.name;
      const timer = setTimeout(() => {
        pending.delete(name);
        try {
          stitcher.setLayout(previous);
          this.status({ fill: 'green', shape: 'dot', text: `${prefix(stitcher)}layout returned` });
          this.send({ topic: 'layout', command: 'return', mosaic: name, payload: explicit(stitcher.tiles) });
        } catch (error) {
          reportFailure(this, error);
        }
      }, seconds * 1000);
      pending.set(name, { timer, layout: previous });
    };

    const apply = async (
      runtime: MosaicRuntime,
      command: ControlCommand,
      target?: string,
    ): Promise<Stitcher> => {
      switch (command.command) {
        case 'start':
          return (await runtime.start()).mosaic(target);
        case 'stop':
          cancelReturn();
          await runtime.stop();
          return runtime.get().mosaic(target);
        case 'keyframe': {
          const stitcher = (await runtime.whenRunning()).mosaic(target);
          stitcher.requestKeyframe();
          return stitcher;
        }
        case 'layout': {
          const stitcher = runtime.get().mosaic(target);
          stitcher.setLayout(command.layout);
          cancelReturn(stitcher.mosaic.name);
          return stitcher;
        }
        case 'focus': {
          const stitcher = runtime.get().mosaic(target);
          // A focus during a focus keeps the layout from before the first one to return to.
          const previous = pending.get(stitcher.mosaic.name)?.layout ?? explicit(stitcher.tiles);
          stitcher.setLayout({
            preset: 'focus',
            camera: command.camera,
            ...(command.fit ? { fit: command.fit } : {}),
          });
          cancelReturn(stitcher.mosaic.name);
          if (command.duration !== undefined) scheduleReturn(stitcher, previous, command.duration);
          return stitcher;
        }
        case 'swap': {
          const stitcher = runtime.get().mosaic(target);
          stitcher.setLayout({ tiles: swapped(stitcher.tiles, command.cameras) });
          cancelReturn(stitcher.mosaic.name);
          return stitcher;
        }
      }
    };

    if (mosaic) {
      mosaic.start().then(
        (engine) => {
          try {
            engine.mosaic(nodeMosaic); // an unknown "Mosaic" property shows now, not at the first command
            this.status({ fill: 'green', shape: 'dot', text: 'running' });
          } catch (error) {
            reportFailure(this, error);
          }
        },
        (error: unknown) => reportFailure(this, error),
      );
    }

    this.on('input', (msg, send, done) => {
      if (!mosaic) {
        done('no mosaic-engine configured: pick one in the node\'s "Engine" field');
        return;
      }
      let command: ControlCommand;
      let target: string | undefined;
      try {
        command = parseCommand(msg);
        target = ('mosaic' in command ? command.mosaic : undefined) ?? messageMosaic(msg) ?? nodeMosaic;
      } catch (error) {
        this.status(failureStatus(error));
        done(errorText(error));
        return;
      }
      apply(mosaic, command, target).then(
        (stitcher) => {
          this.status(statusAfter(command, stitcher));
          const out: NodeMessage = {
            ...msg,
            command: command.command,
            mosaic: stitcher.mosaic.name,
            payload: explicit(stitcher.tiles),
          };
          send(out);
          done();
        },
        (error: unknown) => {
          this.status(failureStatus(error));
          done(errorText(error));
        },
      );
    });

    this.on('close', (_removed, done) => {
      cancelReturn();
      done();
    });
  }
  RED.nodes.registerType('mosaic-control', MosaicControl);
};

/** `hall: ` before a status text when the engine shows several mosaics (whose is it?). */
function prefix(stitcher: Stitcher): string {
  return stitcher.config.mosaics && stitcher.config.mosaics.length > 1 ? `${stitcher.mosaic.name}: ` : '';
}

/** Tiles as a layout document that can be sent back as `{topic: 'layout', payload}`. */
function explicit(tiles: readonly Tile[]): { tiles: Tile[] } {
  return { tiles: tiles.map((tile) => ({ ...tile })) };
}

/**
 * Every tile showing one of the two cameras shows the other; a timeshare tile swaps them in its
 * rotation too, so a camera that is only one of a timeshare's `cameras` can be swapped as well.
 */
function swapped(tiles: readonly Tile[], [a, b]: readonly [string, string]): Tile[] {
  const shows = (tile: Tile, camera: string): boolean =>
    tile.camera === camera || (tile.cameras?.includes(camera) ?? false);
  const missing = [a, b].flatMap((camera, i) =>
    tiles.some((t) => shows(t, camera))
      ? []
      : [{ field: `cameras[${i}]`, reason: `camera ${JSON.stringify(camera)} is not in the current layout` }],
  );
  if (missing.length > 0) throw new ConfigError(missing);
  const other = (camera: string): string => (camera === a ? b : camera === b ? a : camera);
  return tiles.map((tile) => ({
    ...tile,
    camera: other(tile.camera),
    ...(tile.cameras === undefined ? {} : { cameras: tile.cameras.map(other) }),
  }));
}

function statusAfter(
  command: ControlCommand,
  stitcher: Stitcher,
): { fill: 'green' | 'grey' | 'blue'; shape: 'dot' | 'ring'; text: string } {
  if (!stitcher.running) return { fill: 'grey', shape: 'ring', text: 'stopped' };
  switch (command.command) {
    case 'focus':
      return {
        fill: 'blue',
        shape: 'dot',
        text: `${prefix(stitcher)}focus ${command.camera}${command.duration ? ` for ${command.duration} s` : ''}`,
      };
    case 'swap':
      return {
        fill: 'green',
        shape: 'dot',
        text: `${prefix(stitcher)}swapped ${command.cameras.join(' ↔ ')}`,
      };
    case 'start':
      return { fill: 'green', shape: 'dot', text: 'running' };
    default:
      return { fill: 'green', shape: 'dot', text: `${prefix(stitcher)}${command.command}` };
  }
}
