import type { Engine } from '../core/engine';
import type { NodeStatus } from './nodeRedTypes';

/** "4/4 live" green, "3/4 live" yellow, "0/4 live" red, "stopped" grey. */
export function liveStatus(engine: Engine): NodeStatus {
  const { running, cameras } = engine.stitcher.stats();
  if (!running) return { fill: 'grey', shape: 'ring', text: 'stopped' };
  const live = cameras.filter((c) => c.state === 'live').length;
  const offline = cameras.filter((c) => c.state === 'offline').map((c) => c.name);
  const text = `${live}/${cameras.length} live${offline.length > 0 ? `, offline: ${offline.join(', ')}` : ''}`;
  if (live === cameras.length) return { fill: 'green', shape: 'dot', text };
  if (live === 0 && offline.length > 0) return { fill: 'red', shape: 'ring', text };
  return { fill: 'yellow', shape: 'ring', text };
}
