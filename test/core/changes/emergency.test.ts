import { describe, expect, it } from 'vitest';
import { decideEmergency, type EmergencyAsk, emergencyAfterMs } from '../../../src/core/changes/emergency.ts';
import { plainText } from '../../../src/core/text.ts';

const NOW = new Date('2026-11-24T10:30:00.000Z');
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);
const withPolicy = (after: string | number) => ({
  required: 1,
  from: ['sre'],
  expiresIn: '30m',
  emergency: { role: 'oncall', review: '24h', after },
});

const base: EmergencyAsk = {
  env: 'prod',
  command: '/deploy api prod v1.4.2',
  approval: withPolicy('10m'),
  reason: 'checkout is down',
  roles: ['developer', 'oncall'],
  unverified: [],
  now: NOW,
  waitingSince: minutesAgo(12),
};

const cases: { name: string; ask: Partial<EmergencyAsk>; allowed: boolean; why?: string; says?: RegExp }[] = [
  { name: 'a holder of the role after the wait', ask: {}, allowed: true },
  { name: 'exactly when the wait ends', ask: { waitingSince: minutesAgo(10) }, allowed: true },
  {
    name: 'at once when after is at-once',
    ask: { approval: withPolicy('at-once'), waitingSince: undefined },
    allowed: true,
  },
  { name: 'at once when after is 0', ask: { approval: withPolicy(0), waitingSince: undefined }, allowed: true },
  { name: 'a blank reason', ask: { reason: '  ' }, allowed: false, why: 'no-reason', says: /needs a reason/ },
  {
    name: 'an environment needing no approval',
    ask: { approval: undefined },
    allowed: false,
    why: 'no-approval',
    says: /need no approval/,
  },
  {
    name: 'an environment without an emergency policy',
    ask: { approval: { required: 1, from: ['sre'], expiresIn: '30m' } },
    allowed: false,
    why: 'no-policy',
    says: /no emergency path in prod.*environments\.prod\.approval\.emergency/,
  },
  {
    name: 'someone without the role',
    ask: { roles: ['developer'] },
    allowed: false,
    why: 'no-role',
    says: /needs role oncall \(you have developer\).*roles\.oncall\.members/,
  },
  {
    name: 'someone whose role could not be checked',
    ask: { roles: ['developer'], unverified: ['oncall'] },
    allowed: false,
    why: 'unverified',
    says: /Could not verify your role oncall/,
  },
  {
    name: 'a request still within the wait',
    ask: { waitingSince: minutesAgo(3) },
    allowed: false,
    why: 'too-early',
    says: /from 2026-11-24 10:37 UTC \(in 7m\)/,
  },
  {
    name: 'no request waiting',
    ask: { waitingSince: undefined },
    allowed: false,
    why: 'too-early',
    says: /Request it without --emergency \(\/deploy api prod v1\.4\.2\); if nobody decides within 10m/,
  },
];

describe('decideEmergency', () => {
  it.each(cases)('$name', ({ ask, allowed, why, says }) => {
    const verdict = decideEmergency({ ...base, ...ask });
    expect(verdict.allowed).toBe(allowed);
    if (verdict.allowed) {
      expect(verdict.reviewDueAt).toEqual(new Date(NOW.getTime() + 24 * 3_600_000));
      return;
    }
    expect(verdict.why).toBe(why);
    expect(plainText(verdict.text).replaceAll('`', '')).toMatch(says!);
  });

  it('says when a too-early self-approval becomes possible', () => {
    const verdict = decideEmergency({ ...base, waitingSince: minutesAgo(3) });
    expect(verdict.allowed ? undefined : verdict.possibleAt).toEqual(new Date('2026-11-24T10:37:00.000Z'));
  });

  it.each([
    [0, 0],
    ['0', 0],
    ['at-once', 0],
    ['90s', 90_000],
    ['10m', 600_000],
  ] as const)('reads after %s as %i ms', (after, ms) => {
    expect(emergencyAfterMs({ role: 'oncall', review: '24h', after })).toBe(ms);
  });
});
