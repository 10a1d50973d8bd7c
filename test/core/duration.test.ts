import { describe, expect, it } from 'vitest';
import { DURATION_PATTERN, formatDuration, isSince, parseDuration, parseSince } from '../../src/core/duration.ts';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('parseDuration', () => {
  it.each<[string, number | undefined]>([
    ['90s', 90 * SECOND],
    ['0s', 0],
    ['15m', 15 * MINUTE],
    ['12h', 12 * HOUR],
    ['7d', 7 * DAY],
    ['2w', 14 * DAY],
    ['30m', 1_800_000],
    ['062h', 62 * HOUR],
    [' 15m ', 15 * MINUTE], // surrounding spaces are trimmed
    ['', undefined],
    ['15', undefined], // a unit is required
    ['m', undefined],
    ['15M', undefined], // units are lower case
    ['1.5h', undefined],
    ['-5m', undefined],
    ['+5m', undefined],
    ['15 m', undefined],
    ['1h30m', undefined],
    ['1y', undefined],
    ['15min', undefined],
    ['PT15M', undefined],
    ['yesterday', undefined],
  ])('%j → %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it('DURATION_PATTERN is anchored and does not trim', () => {
    expect(DURATION_PATTERN.test('15m')).toBe(true);
    expect(DURATION_PATTERN.test(' 15m')).toBe(false);
  });
});

describe('formatDuration', () => {
  it.each<[number, string]>([
    [0, '0s'],
    [-5 * SECOND, '0s'],
    [499, '0s'],
    [500, '1s'],
    [45 * SECOND, '45s'],
    [59 * SECOND, '59s'],
    [59_500, '1m'], // rounds to 60s
    [90 * SECOND, '1m'], // seconds are dropped from minutes
    [15 * MINUTE, '15m'],
    [59 * MINUTE, '59m'],
    [HOUR, '1h'],
    [2 * HOUR + 5 * MINUTE, '2h 5m'],
    [30 * HOUR, '30h'],
    [47 * HOUR + 59 * MINUTE, '47h 59m'],
    [48 * HOUR, '2d'],
    [62 * HOUR, '2d 14h'],
    [3 * DAY + 4 * HOUR, '3d 4h'],
    [3 * DAY + 4 * HOUR + 30 * MINUTE, '3d 4h'], // minutes are dropped from days
    [14 * DAY, '14d'],
  ])('%i ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it.each(['45s', '15m', '12h', '3d'])('round-trips %s', (text) => {
    expect(formatDuration(parseDuration(text)!)).toBe(text);
  });
});

describe('parseSince', () => {
  const now = new Date('2025-06-02T12:00:00.000Z');

  it.each<[string, string | undefined]>([
    ['15m', '2025-06-02T11:45:00.000Z'],
    ['24h', '2025-06-01T12:00:00.000Z'],
    ['7d', '2025-05-26T12:00:00.000Z'],
    ['0s', '2025-06-02T12:00:00.000Z'],
    ['2025-06-01', '2025-06-01T00:00:00.000Z'],
    ['2025-06-01T08:30:00Z', '2025-06-01T08:30:00.000Z'],
    ['2025-06-01T08:30:00.250Z', '2025-06-01T08:30:00.250Z'],
    ['2025-06-01T10:30:00+02:00', '2025-06-01T08:30:00.000Z'],
    ['', undefined],
    ['yesterday', undefined],
    ['15', undefined],
    ['-15m', undefined],
    ['06/01/2025', undefined], // only ISO dates
    ['June 1, 2025', undefined],
    ['2025-13-01', undefined],
    ['2025-06-01garbage', undefined],
    ['2025-06-01T25:00:00Z', undefined],
    ['999999999d', undefined], // a duration reaching before the earliest representable date
  ])('%j → %s', (text, iso) => {
    const at = parseSince(text, now);
    expect(at?.toISOString()).toBe(iso);
  });

  it('does not change the given now', () => {
    const fixed = new Date(now);
    parseSince('15m', fixed);
    expect(fixed.toISOString()).toBe('2025-06-02T12:00:00.000Z');
  });
});

describe('isSince (input validation, needing no "now")', () => {
  it.each([
    ['15m', true],
    ['7d', true],
    ['2025-06-01T08:30:00Z', true],
    ['100000000d', true], // 1970 minus this is still a Date
    ['999999999d', false], // reaches before the earliest representable Date from any time after 1970
    ['yesterday', false],
    ['-15m', false],
    ['2025-13-01', false],
  ])('%j → %s', (text, ok) => {
    expect(isSince(text)).toBe(ok);
    // Whatever isSince accepts, parseSince can place relative to any time after 1970.
    if (ok)
      for (const now of [new Date(0), new Date('2026-11-25T10:00:00Z')])
        expect(parseSince(text, now)).toBeInstanceOf(Date);
  });
});
