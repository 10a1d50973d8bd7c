import { describe, expect, it } from 'vitest';
import { type Delivery, tallyFollow } from '../../bench/follow-tally.ts';

const at = (key: string, timestamp: number, deliveredAt: number): Delivery => ({ key, timestamp, deliveredAt });
const window = { from: 1000, to: 2000 };

describe('tallyFollow', () => {
  it.each([
    {
      name: 'all delivered once',
      expected: ['a', 'b'],
      got: [at('a', 1000, 1200), at('b', 1500, 1600)],
      tally: { expected: 2, delivered: 2, lost: 0, duplicated: 0, lagsMs: [200, 100] },
    },
    {
      name: 'one missing',
      expected: ['a', 'b'],
      got: [at('b', 1500, 1600)],
      tally: { expected: 2, delivered: 1, lost: 1, duplicated: 0, lagsMs: [100] },
    },
    {
      name: 'a repeat counts once, its lag from the first',
      expected: ['a'],
      got: [at('a', 1000, 1300), at('a', 1000, 1900)],
      tally: { expected: 1, delivered: 1, lost: 0, duplicated: 1, lagsMs: [300] },
    },
    {
      name: 'outside the window ignored',
      expected: ['a'],
      got: [at('x', 999, 1100), at('x', 999, 1100), at('a', 1999, 2100), at('y', 2000, 2100)],
      tally: { expected: 1, delivered: 1, lost: 0, duplicated: 0, lagsMs: [101] },
    },
    {
      name: 'nothing delivered',
      expected: ['a', 'b', 'c'],
      got: [],
      tally: { expected: 3, delivered: 0, lost: 3, duplicated: 0, lagsMs: [] },
    },
  ])('$name', ({ expected, got, tally }) => {
    expect(tallyFollow(expected, got, window)).toEqual(tally);
  });
});
