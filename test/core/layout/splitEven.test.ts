import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitEqually, splitEven } from '../../../src/core/layout/splitEven';

describe('splitEven', () => {
  const cases: { length: number; weights: number[]; sizes: number[] }[] = [
    { length: 1920, weights: [1, 1], sizes: [960, 960] },
    { length: 1920, weights: [1, 2, 1], sizes: [480, 960, 480] },
    { length: 1002, weights: [1, 2, 1], sizes: [250, 502, 250] },
    { length: 1920, weights: [1, 1, 1, 1, 1, 1, 1], sizes: [274, 274, 274, 276, 274, 274, 274] },
    { length: 1080, weights: [1, 1, 1], sizes: [360, 360, 360] },
    { length: 64, weights: [1, 1, 1], sizes: [22, 20, 22] },
  ];
  for (const { length, weights, sizes } of cases) {
    it(`${length} by ${weights.join(':')} → ${sizes.join(', ')}`, () => {
      const spans = splitEven(length, weights);
      assert.deepEqual(
        spans.map((s) => s.size),
        sizes,
      );
      spans.reduce((start, span) => (assert.equal(span.start, start), start + span.size), 0);
    });
  }

  it('always covers the length with even, contiguous spans', () => {
    for (let length = 2; length <= 400; length += 2) {
      for (let parts = 1; parts <= Math.min(20, length / 2); parts++) {
        const spans = splitEqually(length, parts);
        let start = 0;
        for (const span of spans) {
          assert.equal(span.start, start);
          assert.ok(span.size >= 2 && span.size % 2 === 0, `${length}/${parts}: ${span.size}`);
          start += span.size;
        }
        assert.equal(start, length);
        const sizes = spans.map((s) => s.size);
        assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 2, `${length}/${parts} uneven`);
      }
    }
  });
});
