import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AutoLayoutConfig } from '../../../src/core/config/types';
import { AutoLayoutDirector, autoLayoutTiles } from '../../../src/core/layout/autoLayoutDirector';
import { onePlusNTiles } from '../../../src/core/layout/onePlusNPreset';
import { rects } from './tileGeometry';

/** A ms clock whose timers fire only when a test moves time on. */
class FakeClock {
  now = 0;
  private nextId = 1;
  private readonly timers = new Map<number, { at: number; callback: () => void }>();

  get pending(): number {
    return this.timers.size;
  }

  setTimer = (callback: () => void, delayMs: number): number => {
    const id = this.nextId++;
    this.timers.set(id, { at: this.now + delayMs, callback });
    return id;
  };

  clearTimer = (id: unknown): void => {
    this.timers.delete(id as number);
  };

  /** Moves to `time`, firing each timer due on the way at its own time. */
  advanceTo(time: number): void {
    for (;;) {
      const due = [...this.timers].filter(([, t]) => t.at <= time).sort(([, a], [, b]) => a.at - b.at)[0];
      if (due === undefined) break;
      const [id, timer] = due;
      this.timers.delete(id);
      this.now = Math.max(this.now, timer.at);
      timer.callback();
    }
    this.now = time;
  }
}

function director(cameras: string[], holdMs: number, quietMs: number) {
  const clock = new FakeClock();
  const changes: [number, string][] = [];
  const it = new AutoLayoutDirector({
    cameras,
    holdMs,
    quietMs,
    onChange: (camera) => changes.push([clock.now, camera]),
    now: () => clock.now,
    setTimer: clock.setTimer,
    clearTimer: clock.clearTimer,
  });
  return { director: it, clock, changes };
}

type Step = [timeMs: number, camera: string, active: boolean];

describe('AutoLayoutDirector', () => {
  const cases: {
    name: string;
    cameras?: string[];
    holdMs?: number;
    quietMs?: number;
    steps: Step[];
    endMs: number;
    changes: [number, string][];
  }[] = [
    {
      name: 'a motion start takes the big tile at once when nothing holds it',
      steps: [[1000, 'b', true]],
      endMs: 5000,
      changes: [[1000, 'b']],
    },
    {
      name: 'a start during the hold is applied when the hold ends',
      steps: [
        [1000, 'b', true],
        [3000, 'c', true],
      ],
      endMs: 20000,
      changes: [
        [1000, 'b'],
        [11000, 'c'],
      ],
    },
    {
      name: 'a start during the hold is dropped when that camera went still before it ends',
      steps: [
        [1000, 'b', true],
        [3000, 'c', true],
        [5000, 'c', false],
      ],
      endMs: 60000,
      changes: [[1000, 'b']],
    },
    {
      name: 'of several starts during the hold the latest wins',
      cameras: ['a', 'b', 'c', 'd'],
      steps: [
        [1000, 'b', true],
        [3000, 'c', true],
        [4000, 'd', true],
      ],
      endMs: 20000,
      changes: [
        [1000, 'b'],
        [11000, 'd'],
      ],
    },
    {
      name: "the big camera's own new start during the hold keeps the tile",
      steps: [
        [1000, 'b', true],
        [2000, 'b', false],
        [3000, 'c', true],
        [4000, 'b', true],
      ],
      endMs: 20000,
      changes: [[1000, 'b']],
    },
    {
      name: 'after quietMs with no camera active the first camera takes it back',
      steps: [
        [1000, 'b', true],
        [5000, 'b', false],
      ],
      endMs: 60000,
      changes: [
        [1000, 'b'],
        [35000, 'a'],
      ],
    },
    {
      name: 'new motion restarts the quiet period',
      steps: [
        [1000, 'b', true],
        [5000, 'b', false],
        [20000, 'c', true],
        [22000, 'c', false],
      ],
      endMs: 100000,
      changes: [
        [1000, 'b'],
        [20000, 'c'],
        [52000, 'a'],
      ],
    },
    {
      name: 'no quiet return while any camera is still active',
      steps: [
        [1000, 'b', true],
        [12000, 'c', true],
        [13000, 'c', false],
      ],
      endMs: 100000,
      changes: [
        [1000, 'b'],
        [12000, 'c'],
      ],
    },
    {
      name: 'the quiet return waits for the hold too',
      quietMs: 1000,
      steps: [
        [1000, 'b', true],
        [2000, 'b', false],
      ],
      endMs: 20000,
      changes: [
        [1000, 'b'],
        [11000, 'a'],
      ],
    },
    {
      name: 'the first camera brought back by the quiet return is held like any other',
      quietMs: 1000,
      holdMs: 5000,
      steps: [
        [1000, 'b', true],
        [2000, 'b', false],
        [7000, 'c', true],
      ],
      endMs: 20000,
      changes: [
        [1000, 'b'],
        [6000, 'a'],
        [11000, 'c'],
      ],
    },
    {
      name: 'holdMs 0 follows every start',
      holdMs: 0,
      steps: [
        [1000, 'b', true],
        [1100, 'c', true],
        [1200, 'b', true],
      ],
      endMs: 2000,
      changes: [
        [1000, 'b'],
        [1100, 'c'],
        [1200, 'b'],
      ],
    },
    {
      name: 'cameras not in its list are ignored, also for the quiet period',
      steps: [
        [1000, 'x', true],
        [2000, 'b', true],
        [3000, 'b', false],
        [4000, 'x', true],
      ],
      endMs: 60000,
      changes: [
        [2000, 'b'],
        [33000, 'a'],
      ],
    },
  ];
  for (const {
    name,
    cameras = ['a', 'b', 'c'],
    holdMs = 10000,
    quietMs = 30000,
    steps,
    endMs,
    changes,
  } of cases) {
    it(name, () => {
      const run = director(cameras, holdMs, quietMs);
      for (const [time, camera, active] of steps) {
        run.clock.advanceTo(time);
        run.director.motion({ camera, active, score: active ? 12.5 : 0 });
      }
      run.clock.advanceTo(endMs);
      assert.deepEqual(run.changes, changes);
      assert.equal(run.director.big, changes.at(-1)?.[1] ?? cameras[0]);
      run.director.close();
    });
  }

  it('starts with the first camera big', () => {
    const { director: d } = director(['a', 'b'], 10000, 30000);
    assert.equal(d.big, 'a');
    d.close();
  });

  it('close() clears its timer, ignores later events and may be called twice', () => {
    const run = director(['a', 'b', 'c'], 10000, 30000);
    run.clock.advanceTo(1000);
    run.director.motion({ camera: 'b', active: true, score: 50 });
    run.director.motion({ camera: 'c', active: true, score: 50 });
    assert.equal(run.clock.pending, 1, 'the hold timer');
    run.director.close();
    assert.equal(run.clock.pending, 0);
    run.director.close();
    run.director.motion({ camera: 'c', active: true, score: 50 });
    run.clock.advanceTo(100000);
    assert.deepEqual(run.changes, [[1000, 'b']]);
    assert.equal(run.clock.pending, 0);
  });

  it('keeps at most one timer', () => {
    const run = director(['a', 'b', 'c', 'd'], 10000, 30000);
    run.director.motion({ camera: 'b', active: true, score: 50 });
    for (const camera of ['c', 'd', 'c', 'd']) {
      run.director.motion({ camera, active: true, score: 50 });
      assert.equal(run.clock.pending, 1);
    }
    run.director.close();
  });

  it('runs on real timers by default', async () => {
    const big = await new Promise<string>((resolve) => {
      const d = new AutoLayoutDirector({
        cameras: ['a', 'b'],
        holdMs: 0,
        quietMs: 20,
        onChange: (camera) => {
          if (camera === 'a') {
            d.close();
            resolve(camera);
          }
        },
      });
      d.motion({ camera: 'b', active: true, score: 50 });
      d.motion({ camera: 'b', active: false, score: 0 });
    });
    assert.equal(big, 'a');
  });

  it('refuses an empty camera list', () => {
    assert.throws(() => director([], 0, 0), TypeError);
  });
});

describe('autoLayoutTiles', () => {
  const canvas = { width: 1920, height: 1080 };
  const layout: AutoLayoutConfig = {
    preset: 'auto',
    cameras: ['a', 'b', 'c', 'd'],
    holdMs: 10000,
    quietMs: 30000,
    fit: 'cover',
  };
  const cases: { big: string; order: string[] }[] = [
    { big: 'a', order: ['a', 'b', 'c', 'd'] },
    { big: 'c', order: ['c', 'a', 'b', 'd'] },
    { big: 'd', order: ['d', 'a', 'b', 'c'] },
    { big: 'x', order: ['a', 'b', 'c', 'd'] },
  ];
  for (const { big, order } of cases) {
    it(`${big} big → ${order.join(', ')} on the 1+N rectangles`, () => {
      const tiles = autoLayoutTiles(layout, big, canvas);
      assert.deepEqual(rects(tiles), rects(onePlusNTiles(order, canvas, 'cover')));
      assert.deepEqual(
        tiles.map((t) => t.camera),
        order,
      );
      assert.ok(tiles.every((t) => t.fit === 'cover' && t.stream === 'auto'));
    });
  }

  it('keeps a camera listed twice twice', () => {
    const tiles = autoLayoutTiles({ ...layout, cameras: ['a', 'b', 'a'] }, 'b', canvas);
    assert.deepEqual(
      tiles.map((t) => t.camera),
      ['b', 'a', 'a'],
    );
  });
});
