import { describe, expect, it } from 'vitest';
import { indexTerms, queryTerm } from '../../src/core/runbooks/search-terms.ts';

describe('queryTerm', () => {
  it.each([
    { raw: 'Connections', want: 'connection' },
    { raw: 'failed', want: 'fail' },
    { raw: '502', want: '502' },
    { raw: 'the', want: null },
    { raw: 'Should', want: null },
    { raw: 'your', want: null },
    { raw: 'not', want: null },
    { raw: '', want: null },
  ])('$raw → $want', ({ raw, want }) => {
    expect(queryTerm(raw)).toBe(want);
  });
});

describe('indexTerms', () => {
  it.each([
    { raw: 'KubePodCrashLooping', want: ['kubepodcrashloop', 'kube', 'pod', 'crash', 'loop'] },
    { raw: 'pgbouncer', want: ['pgbouncer'] },
    { raw: 'which', want: null },
    { raw: '', want: null },
  ])('$raw → $want', ({ raw, want }) => {
    expect(indexTerms(raw)).toEqual(want);
  });
});
