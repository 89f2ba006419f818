import type { Engine } from '../core/engine';
import type { NodeStatus } from './nodeRedTypes';

/**
 * "4/4 live" green, "3/4 live" yellow, "0/4 live" red, "stopped" grey; a publishing output that
 * is offline turns green to yellow and is named ("4/4 live, output offline: mediamtx"). Covers
 * the cameras of the whole engine and the outputs of `mosaic` (every mosaic when undefined).
 */
export function liveStatus(engine: Engine, mosaic?: string): NodeStatus {
  const { running, cameras } = engine.stitcher.stats();
  if (!running) return { fill: 'grey', shape: 'ring', text: 'stopped' };
  const live = cameras.filter((c) => c.state === 'live').length;
  const offline = cameras.filter((c) => c.state === 'offline').map((c) => c.name);
  const mosaics = mosaic === undefined ? [...engine.mosaics.values()] : [engine.mosaic(mosaic)];
  const outputsOffline = mosaics.flatMap((m) =>
    m
      .stats()
      .outputs.filter((o) => o.state === 'offline')
      .map((o) => o.name),
  );
  const parts = [
    `${live}/${cameras.length} live`,
    ...(offline.length > 0 ? [`offline: ${offline.join(', ')}`] : []),
    ...(outputsOffline.length > 0 ? [`output offline: ${outputsOffline.join(', ')}`] : []),
  ];
  const text = parts.join(', ');
  if (live === cameras.length && outputsOffline.length === 0) return { fill: 'green', shape: 'dot', text };
  if (live === 0 && offline.length > 0) return { fill: 'red', shape: 'ring', text };
  return { fill: 'yellow', shape: 'ring', text };
}
