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

  it('names the freeze and reports none without windows', () => {
    expect(activeFreeze(weekend, new Date('2026-11-28T00:00:00Z'))?.name).toBe('weekend');
    expect(activeFreeze(undefined, new Date())).toBeUndefined();
    expect(activeFreeze([], new Date())).toBeUndefined();
  });
});
