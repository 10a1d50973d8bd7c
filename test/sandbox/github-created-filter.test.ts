import { describe, expect, it } from 'vitest';
import { parseCreated } from '../../src/sandbox/github/created-filter.ts';

const at = (text: string) => Date.parse(text);

describe('GitHub emulator: created filter of workflow runs', () => {
  it.each([
    {
      filter: '>=2026-03-01T10:00:00Z',
      yes: ['2026-03-01T10:00:00.400Z', '2026-03-02T00:00:00Z'],
      no: ['2026-03-01T09:59:59Z'],
    },
    { filter: '>2026-03-01T10:00:00Z', yes: ['2026-03-01T10:00:01Z'], no: ['2026-03-01T10:00:00.900Z'] },
    { filter: '<=2026-03-01', yes: ['2026-03-01T23:59:59Z'], no: ['2026-03-02T00:00:00Z'] },
    { filter: '<2026-03-01', yes: ['2026-02-28T23:59:59Z'], no: ['2026-03-01T00:00:00Z'] },
    { filter: '2026-03-01', yes: ['2026-03-01T00:00:00Z', '2026-03-01T23:59:59Z'], no: ['2026-03-02T00:00:00Z'] },
    {
      filter: '2026-03-01..2026-03-02',
      yes: ['2026-03-02T12:00:00Z'],
      no: ['2026-03-03T00:00:00Z', '2026-02-28T12:00:00Z'],
    },
    { filter: '2026-03-01..*', yes: ['2030-01-01T00:00:00Z'], no: ['2026-02-28T12:00:00Z'] },
    { filter: '*..2026-03-01', yes: ['2000-01-01T00:00:00Z'], no: ['2026-03-02T00:00:00Z'] },
    { filter: '>=2026-03-01T10:00:00.250Z', yes: ['2026-03-01T10:00:00Z'], no: ['2026-03-01T09:59:59Z'] },
  ])('$filter', ({ filter, yes, no }) => {
    const matches = parseCreated(filter);
    for (const t of yes) expect(matches(at(t)), t).toBe(true);
    for (const t of no) expect(matches(at(t)), t).toBe(false);
  });

  it.each(['yesterday', '>=', '2026-13-45', '2026-03-01..soon'])('refuses %s', (filter) => {
    expect(() => parseCreated(filter)).toThrow(/Validation Failed/);
  });
});
