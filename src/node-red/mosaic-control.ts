import { ConfigError } from '../core/errors';
import type { Tile } from '../core/layout/tile';
import type { Stitcher } from '../core/stitcher/stitcher';
import { parseCommand, type ControlCommand } from './controlCommand';
import { failureStatus, findMosaic } from './engineClient';
import type { MosaicRuntime } from './mosaicRuntime';
import type { Node, NodeApi, NodeDef, NodeMessage } from './nodeRedTypes';

type MosaicControlDef = NodeDef & { engine?: string };

interface PendingReturn {
  timer: NodeJS.Timeout;
  layout: { tiles: Tile[] };
}

/**
 * `mosaic-control`: commands in, the applied layout out. start, stop, layout, focus (with an
 * optional return timer), swap, keyframe; see controlCommand.ts for the accepted shapes.
 */
export = function register(RED: NodeApi): void {
  function MosaicControl(this: Node, def: MosaicControlDef): void {
    RED.nodes.createNode(this, def);
    const mosaic = findMosaic(RED, this, def.engine);
    let pending: PendingReturn | undefined;

    const cancelReturn = (): void => {
      if (pending) clearTimeout(pending.timer);
      pending = undefined;
    };

    const scheduleReturn = (stitcher: Stitcher, previous: { tiles: Tile[] }, seconds: number): void => {
      const timer = setTimeout(() => {
        pending = undefined;
        try {
          stitcher.setLayout(previous);
          this.status({ fill: 'green', shape: 'dot', text: 'layout returned' });
          this.send({ topic: 'layout', command: 'return', payload: explicit(stitcher.tiles) });
        } catch (error) {
          this.error(error);
        }
      }, seconds * 1000);
      pending = { timer, layout: previous };
    };

    const apply = async (runtime: MosaicRuntime, command: ControlCommand): Promise<Stitcher> => {
      switch (command.command) {
        case 'start':
          return (await runtime.start()).stitcher;
        case 'stop':
          cancelReturn();
          await runtime.stop();
          return runtime.get().stitcher;
        case 'keyframe': {
          const { stitcher } = await runtime.whenRunning();
          stitcher.requestKeyframe();
          return stitcher;
        }
        case 'layout': {
          const { stitcher } = runtime.get();
          stitcher.setLayout(command.layout);
          cancelReturn();
          return stitcher;
        }
        case 'focus': {
          const { stitcher } = runtime.get();
          // A focus during a focus keeps the layout from before the first one to return to.
          const previous = pending?.layout ?? explicit(stitcher.tiles);
          stitcher.setLayout({
            preset: 'focus',
            camera: command.camera,
            ...(command.fit ? { fit: command.fit } : {}),
          });
          cancelReturn();
          if (command.duration !== undefined) scheduleReturn(stitcher, previous, command.duration);
          return stitcher;
        }
        case 'swap': {
          const { stitcher } = runtime.get();
          stitcher.setLayout({ tiles: swapped(stitcher.tiles, command.cameras) });
          cancelReturn();
          return stitcher;
        }
      }
    };

    if (mosaic) {
      mosaic.start().then(
        () => this.status({ fill: 'green', shape: 'dot', text: 'running' }),
        (error: unknown) => {
          this.status(failureStatus(error));
          this.error(error);
        },
      );
    }

    this.on('input', (msg, send, done) => {
      if (!mosaic) {
        done(new Error('no mosaic-engine configured'));
        return;
      }
      let command: ControlCommand;
      try {
        command = parseCommand(msg);
      } catch (error) {
        this.status(failureStatus(error));
        done(error);
        return;
      }
      apply(mosaic, command).then(
        (stitcher) => {
          this.status(statusAfter(command, stitcher));
          const out: NodeMessage = { ...msg, command: command.command, payload: explicit(stitcher.tiles) };
          send(out);
          done();
        },
        (error: unknown) => {
          this.status(failureStatus(error));
          done(error);
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

/** Tiles as a layout document that can be sent back as `{topic: 'layout', payload}`. */
function explicit(tiles: readonly Tile[]): { tiles: Tile[] } {
  return { tiles: tiles.map((tile) => ({ ...tile })) };
}

/** Every tile showing one of the two cameras shows the other. */
function swapped(tiles: readonly Tile[], [a, b]: readonly [string, string]): Tile[] {
  const missing = [a, b].flatMap((camera, i) =>
    tiles.some((t) => t.camera === camera)
      ? []
      : [{ field: `cameras[${i}]`, reason: `camera ${JSON.stringify(camera)} is not in the current layout` }],
  );
  if (missing.length > 0) throw new ConfigError(missing);
  return tiles.map((tile) => ({
    ...tile,
    camera: tile.camera === a ? b : tile.camera === b ? a : tile.camera,
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
        text: `focus ${command.camera}${command.duration ? ` for ${command.duration} s` : ''}`,
      };
    case 'swap':
      return { fill: 'green', shape: 'dot', text: `swapped ${command.cameras.join(' ↔ ')}` };
    default:
      return { fill: 'green', shape: 'dot', text: command.command === 'start' ? 'running' : command.command };
  }
}
