import { describe, expect, it } from 'vitest';
import { activeFreeze } from '../../src/core/freeze.ts';

const weekend = [{ name: 'weekend', cron: '0 18 * * FRI', duration: '62h' }];
const berlin = [{ name: 'weekend', cron: '0 18 * * FRI', duration: '62h', timezone: 'Europe/Berlin' }];

describe('activeFreeze', () => {
  it.each([
    ['Thursday noon', '2026-11-26T12:00:00Z', undefined],
    ['a minute before it starts', '2026-11-27T17:59:00Z', undefined],
    ['the minute it starts', '2026-11-27T18:00:00Z', '2026-11-30T08:00:00.000Z'],
    ['Saturday', '2026-11-28T12:00:00Z', '2026-11-30T08:00:00.000Z'],
    ['Monday 07:59', '2026-11-30T07:59:00Z', '2026-11-30T08:00:00.000Z'],
    ['Monday 08:00, when it ends', '2026-11-30T08:00:00Z', undefined],
  ])('UTC window: %s', (_label, now, endsAt) => {
    expect(activeFreeze(weekend, new Date(now))?.endsAt.toISOString()).toBe(endsAt);
  });

  it.each([
    ['17:30 UTC is 18:30 in Berlin (inside)', '2026-11-27T17:30:00Z', true],
    ['16:30 UTC is 17:30 in Berlin (outside)', '2026-11-27T16:30:00Z', false],
  ])('time zones: %s', (_label, now, active) => {
    expect(activeFreeze(berlin, new Date(now)) !== undefined).toBe(active);
  });

  // opsdeck.example.yaml's window, instants written in Berlin time. `duration` is elapsed time, so on the
  // weekends the clocks change the freeze ends an hour later (spring) or earlier (autumn) on the wall clock.
  it.each([
    ['winter Friday 17:59', '2026-11-27T17:59:00+01:00', undefined],
    ['winter Friday 18:00', '2026-11-27T18:00:00+01:00', '2026-11-30T08:00:00+01:00'],
    ['winter Monday 07:59', '2026-11-30T07:59:00+01:00', '2026-11-30T08:00:00+01:00'],
    ['winter Monday 08:00', '2026-11-30T08:00:00+01:00', undefined],
    ['summer Friday 17:59', '2026-06-12T17:59:00+02:00', undefined],
    ['summer Friday 18:00', '2026-06-12T18:00:00+02:00', '2026-06-15T08:00:00+02:00'],
    ['summer Monday 07:59', '2026-06-15T07:59:00+02:00', '2026-06-15T08:00:00+02:00'],
    ['summer Monday 08:00', '2026-06-15T08:00:00+02:00', undefined],
    ['clocks go forward: Friday 17:59 (CET)', '2026-03-27T17:59:00+01:00', undefined],
    ['clocks go forward: Friday 18:00 (CET)', '2026-03-27T18:00:00+01:00', '2026-03-30T09:00:00+02:00'],
    [
      'clocks go forward: Sunday 03:30, just after the change',
      '2026-03-29T03:30:00+02:00',
      '2026-03-30T09:00:00+02:00',
    ],
    ['clocks go forward: Monday 08:00 (CEST), still frozen', '2026-03-30T08:00:00+02:00', '2026-03-30T09:00:00+02:00'],
    ['clocks go forward: Monday 08:59 (CEST)', '2026-03-30T08:59:00+02:00', '2026-03-30T09:00:00+02:00'],
    ['clocks go forward: Monday 09:00 (CEST)', '2026-03-30T09:00:00+02:00', undefined],
    ['clocks go back: Friday 17:59 (CEST)', '2026-10-23T17:59:00+02:00', undefined],
    ['clocks go back: Friday 18:00 (CEST)', '2026-10-23T18:00:00+02:00', '2026-10-26T07:00:00+01:00'],
    [
      'clocks go back: Sunday 02:30, the second time round (CET)',
      '2026-10-25T02:30:00+01:00',
      '2026-10-26T07:00:00+01:00',
    ],
    ['clocks go back: Monday 06:59 (CET)', '2026-10-26T06:59:00+01:00', '2026-10-26T07:00:00+01:00'],
    ['clocks go back: Monday 07:00 (CET), already over', '2026-10-26T07:00:00+01:00', undefined],
  ])("the example's Berlin weekend: %s", (_label, now, endsAt) => {
    const active = activeFreeze(berlin, new Date(now));
    expect(active?.endsAt.getTime()).toBe(endsAt === undefined ? undefined : new Date(endsAt).getTime());
    if (active) expect(active.name).toBe('weekend');
  });

  it('names the freeze and reports none without windows', () => {
    expect(activeFreeze(weekend, new Date('2026-11-28T00:00:00Z'))?.name).toBe('weekend');
    expect(activeFreeze(undefined, new Date('2026-11-28T00:00:00Z'))).toBeUndefined();
    expect(activeFreeze([], new Date('2026-11-28T00:00:00Z'))).toBeUndefined();
  });
});
