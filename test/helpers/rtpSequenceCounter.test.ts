import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RtpSequenceCounter } from './rtpSequenceCounter';

// The WHEP test viewer's loss counter (issue 9): a reordered packet used to count as a 16-bit
// wrap, i.e. ~65,535 lost packets. RFC 3550 Appendix A.1 is the reference.
function run(sequences: number[]) {
  const counter = new RtpSequenceCounter();
  const verdicts = sequences.map((s) => counter.update(s));
  return { counter, verdicts };
}

const cases: {
  name: string;
  sequences: number[];
  lost: number;
  received: number;
  late?: number;
  duplicates?: number;
}[] = [
  { name: 'in order', sequences: [10, 11, 12, 13], lost: 0, received: 4 },
  { name: 'one lost', sequences: [10, 11, 13, 14], lost: 1, received: 4 },
  { name: 'three lost in a row', sequences: [10, 14, 15], lost: 3, received: 3 },
  { name: 'reordered', sequences: [10, 12, 11, 13], lost: 0, received: 4, late: 1 },
  { name: 'reordered across a wrap', sequences: [65534, 0, 65535, 1], lost: 0, received: 4, late: 1 },
  { name: 'duplicate of the newest', sequences: [10, 11, 11, 12], lost: 0, received: 3, duplicates: 1 },
  { name: 'duplicate of an older one', sequences: [10, 11, 12, 10, 13], lost: 0, received: 4, duplicates: 1 },
  {
    name: 'a duplicate does not hide a loss',
    sequences: [10, 11, 11, 13],
    lost: 1,
    received: 3,
    duplicates: 1,
  },
  { name: 'wrap in order', sequences: [65533, 65534, 65535, 0, 1], lost: 0, received: 5 },
  { name: 'loss across a wrap', sequences: [65534, 1, 2], lost: 2, received: 3 },
  { name: 'late packet fills a gap', sequences: [10, 11, 13, 14, 12], lost: 0, received: 5, late: 1 },
  { name: 'older than the first packet', sequences: [10, 11, 9, 12], lost: 0, received: 3, late: 1 },
];

for (const c of cases) {
  test(`RtpSequenceCounter: ${c.name}`, () => {
    const { counter } = run(c.sequences);
    assert.equal(counter.lost, c.lost, 'lost');
    assert.equal(counter.received, c.received, 'received');
    assert.equal(counter.late, c.late ?? 0, 'late');
    assert.equal(counter.duplicates, c.duplicates ?? 0, 'duplicates');
  });
}

test('RtpSequenceCounter: many wraps in order count no loss, and extend the sequence', () => {
  const counter = new RtpSequenceCounter();
  for (let i = 0; i < 3 * 65536 + 5; i++) counter.update((40000 + i) & 0xffff);
  assert.equal(counter.lost, 0);
  assert.equal(counter.extendedMax, 40000 + 3 * 65536 + 4);
});

test('RtpSequenceCounter: a jump is believed once the next packet follows it; loss before it is kept', () => {
  const { counter, verdicts } = run([100, 101, 103, 30000, 30001, 30002]);
  assert.deepEqual(verdicts, ['first', 'next', 'gap', 'jump', 'next', 'next']);
  assert.equal(counter.resyncs, 1);
  assert.equal(counter.lost, 1);
});

test('RtpSequenceCounter: a lone stray far-off packet is ignored', () => {
  const { counter, verdicts } = run([100, 101, 30000, 102, 103]);
  assert.deepEqual(verdicts, ['first', 'next', 'jump', 'next', 'next']);
  assert.equal(counter.lost, 0);
  assert.equal(counter.resyncs, 0);
});
