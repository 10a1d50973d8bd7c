import { describe, expect, it } from 'vitest';
import {
  firstMeasureAt,
  nextMeasureAt,
  type SamplingTiming,
  ShownCounts,
  shareOf,
  shareWindow,
  worthSaying,
} from '../../src/adapters/logs-cloudwatch/sampling-share.ts';

const timing: SamplingTiming = { windowMs: 10_000, settleMs: 5_000, everyMs: 60_000 };
const at = (hms: string) => Date.parse(`2026-11-25T${hms}Z`);

describe('measuring the share of a sampled Live Tail session', () => {
  it.each([
    ['sampling began on a whole second', at('10:04:10.000'), at('10:04:25.000')],
    ['sampling began within a second: the window starts on the next', at('10:04:09.300'), at('10:04:25.000')],
  ])('first measures when a window after the start settled: %s', (_, sampledAt, expected) => {
    expect(firstMeasureAt(sampledAt, timing)).toBe(expected);
  });

  it.each([
    [at('10:04:25.000'), at('10:04:10'), at('10:04:20')],
    [at('10:04:25.999'), at('10:04:10'), at('10:04:20')],
    [at('10:05:26.400'), at('10:05:11'), at('10:05:21')],
  ])('at %i counts the settled window on whole seconds', (now, from, to) => {
    expect(shareWindow(now, timing)).toEqual({ from, to });
  });

  it.each([
    ['a minute after the last count', timing, at('10:04:25.100'), at('10:04:20'), at('10:05:25.100')],
    [
      'no sooner than a new window settled, when measuring more often than a window lasts',
      { ...timing, everyMs: 3_000 },
      at('10:04:25.100'),
      at('10:04:20'),
      at('10:04:35.000'),
    ],
  ])('measures again %s', (_, t, now, countedTo, expected) => {
    expect(nextMeasureAt(now, countedTo, t)).toBe(expected);
    expect(shareWindow(expected, t).from).toBeGreaterThanOrEqual(countedTo);
  });

  it('the first window lies wholly after sampling began', () => {
    const sampledAt = at('10:04:09.300');
    const window = shareWindow(firstMeasureAt(sampledAt, timing), timing);
    expect(window.from).toBeGreaterThanOrEqual(sampledAt);
    expect(window.to - window.from).toBe(timing.windowMs);
  });

  it.each<[number, number, number | undefined]>([
    [12_480, 49_950, 12_480 / 49_950],
    [500, 500, 1],
    [0, 1_000, 0],
    [0, 0, undefined],
    [7, 0, undefined],
    // More shown than counted: events stored late that FilterLogEvents does not list yet.
    [520, 500, 1],
  ])('%i shown of %i matched is %s', (shown, matched, share) => {
    expect(shareOf(shown, matched)).toBe(share);
  });

  it.each<[number | undefined, number, boolean]>([
    [undefined, 0.25, true],
    [0.25, 0.25, false],
    [0.25, 0.34, false],
    [0.25, 0.35, true],
    [0.25, 0.16, false],
    [0.25, 0.15, true],
    [0.9, 1, true],
  ])('told %s before, %s is worth saying: %s', (previous, next, expected) => {
    expect(worthSaying(previous, next)).toBe(expected);
  });

  it('counts shown events by the second of their timestamps, and forgets old seconds', () => {
    const counts = new ShownCounts();
    counts.add([at('10:04:09.999'), at('10:04:10.000'), at('10:04:15.500'), at('10:04:19.999'), at('10:04:20')]);
    expect(counts.between(at('10:04:10'), at('10:04:20'))).toBe(3);
    counts.forget(at('10:04:15'));
    expect(counts.between(at('10:04:00'), at('10:04:30'))).toBe(3);
    counts.clear();
    expect(counts.between(at('10:04:00'), at('10:04:30'))).toBe(0);
  });
});
