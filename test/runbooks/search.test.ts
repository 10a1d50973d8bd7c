import { beforeAll, describe, expect, it } from 'vitest';
import type { Runbook } from '../../src/core/runbooks/parse.ts';
import { clearWinner } from '../../src/core/runbooks/clear-winner.ts';
import { RunbookIndex, type SearchHit } from '../../src/core/runbooks/search.ts';
import { shippedRunbooks } from './shipped.ts';

let index: RunbookIndex;
let shipped: Runbook[];
beforeAll(async () => {
  shipped = (await shippedRunbooks()).runbooks;
  index = new RunbookIndex(shipped);
});

// What an on-call types: alert names from the page, symptoms from the logs, typos at 3 a.m.
// `clear`: true when one runbook should be shown on its own, false when a choice should be offered.
const CASES: Array<{ query: string; id: string; clear: boolean }> = [
  { query: '5xx', id: 'high-5xx-rate', clear: true },
  { query: 'ApiHigh5xxRate', id: 'high-5xx-rate', clear: true },
  { query: 'HighErrorRate', id: 'high-5xx-rate', clear: true },
  { query: '502 errors', id: 'high-5xx-rate', clear: true },
  { query: 'bad gateway', id: 'high-5xx-rate', clear: true },
  { query: 'web 5xx', id: 'high-5xx-rate', clear: true },
  { query: 'api 500', id: 'high-5xx-rate', clear: false },
  { query: 'api down', id: 'high-5xx-rate', clear: false },
  { query: 'latncy', id: 'high-latency', clear: true },
  { query: 'slow responses', id: 'high-latency', clear: true },
  { query: 'p99', id: 'high-latency', clear: true },
  { query: 'ApiHighLatencyP99', id: 'high-latency', clear: true },
  { query: 'crashlop', id: 'pod-crash-looping', clear: true },
  { query: 'KubePodCrashLooping', id: 'pod-crash-looping', clear: true },
  { query: 'kubepodcrashlooping', id: 'pod-crash-looping', clear: true },
  { query: 'OOMKilled', id: 'pod-crash-looping', clear: true },
  { query: 'pod restarting', id: 'pod-crash-looping', clear: true },
  { query: 'crash looping', id: 'pod-crash-looping', clear: true },
  { query: 'rollout stuck', id: 'failed-deploy', clear: true },
  { query: 'deploy failed', id: 'failed-deploy', clear: true },
  { query: 'ProgressDeadlineExceeded', id: 'failed-deploy', clear: true },
  { query: 'web deploy workflow failed', id: 'failed-deploy', clear: true },
  { query: 'too many connections', id: 'database-connections-exhausted', clear: true },
  { query: 'connection pool exhausted', id: 'database-connections-exhausted', clear: true },
  { query: 'idle in transaction', id: 'database-connections-exhausted', clear: true },
  { query: 'pgbouncer', id: 'database-connections-exhausted', clear: true },
  { query: 'conection refused', id: 'database-connections-exhausted', clear: true },
  { query: 'worker backlog', id: 'queue-backlog', clear: true },
  { query: 'jobs piling up', id: 'queue-backlog', clear: true },
  { query: 'dead letter queue', id: 'queue-backlog', clear: true },
  { query: 'WorkerQueueOldestMessageAge', id: 'queue-backlog', clear: true },
  { query: 'certifcate', id: 'certificate-expiry', clear: true },
  { query: 'tls expired', id: 'certificate-expiry', clear: true },
  { query: 'ssl cert', id: 'certificate-expiry', clear: true },
  { query: 'TLSCertificateExpiringSoon', id: 'certificate-expiry', clear: true },
  { query: 'letsencrypt', id: 'certificate-expiry', clear: true },
  { query: 'no space left on device', id: 'disk-full', clear: true },
  { query: 'disk full', id: 'disk-full', clear: true },
  { query: 'ENOSPC', id: 'disk-full', clear: true },
  { query: 'DiskPressure', id: 'disk-full', clear: true },
  { query: 'NodeFilesystemSpaceFillingUp', id: 'disk-full', clear: true },
  { query: 'evicted', id: 'disk-full', clear: true },
];

describe('runbook search over the shipped runbooks', () => {
  it.each(CASES)('"$query" → $id', ({ query, id, clear }) => {
    const hits = index.search(query);
    const summary = hits.map((h) => `${h.runbook.id} ${h.score.toFixed(1)}`);
    expect(hits[0]?.runbook.id, summary.join(', ')).toBe(id);
    expect(clearWinner(hits), summary.join(', ')).toBe(clear);
  });

  it('finds another runbook as the clear winner for every `/runbook …` step in the shipped ones', () => {
    const links = shipped.flatMap((r) =>
      r.steps.filter((s) => s.family === 'runbook').map((s) => ({ from: r.id, query: s.text })),
    );
    expect(links.length).toBeGreaterThanOrEqual(4);
    for (const { from, query } of links) {
      const hits = index.search(query);
      expect({ from, query, to: hits[0]?.runbook.id !== from, clear: clearWinner(hits) }).toEqual({
        from,
        query,
        to: true,
        clear: true,
      });
    }
  });

  it('returns at most `limit` hits, best first', () => {
    const hits = index.search('api', 3);
    expect(hits).toHaveLength(3);
    expect(hits.map((h) => h.score)).toEqual([...hits.map((h) => h.score)].sort((a, b) => b - a));
  });

  it('falls back to any word when no runbook has them all', () => {
    expect(index.search('5xx zebra')[0]?.runbook.id).toBe('high-5xx-rate');
  });

  it.each(['', '   ', 'the of and', 'zzzzqqq'])('finds nothing for %j', (query) => {
    expect(index.search(query)).toEqual([]);
  });
});

const runbook = (id: string, services: string[], alerts: string[] = []): Runbook => ({
  id,
  path: `${id}.md`,
  title: id.replace(/-/g, ' '),
  services,
  alerts,
  tags: [],
  body: '',
  steps: [],
});

describe('RunbookIndex lookups', () => {
  const small = new RunbookIndex([
    runbook('b-disk', ['worker', 'api']),
    runbook('a-5xx', ['api'], ['ApiHigh5xxRate', 'HighErrorRate']),
    runbook('general', []),
    runbook('c-queue', ['worker'], ['HighErrorRate']),
  ]);

  it.each([
    { name: 'ApiHigh5xxRate', ids: ['a-5xx'] },
    { name: 'apihigh5xxrate', ids: ['a-5xx'] },
    { name: ' HighErrorRate ', ids: ['a-5xx', 'c-queue'] },
    { name: 'ApiHigh5xx', ids: [] },
  ])('byAlert($name) matches whole names regardless of case', ({ name, ids }) => {
    expect(small.byAlert(name).map((r) => r.id)).toEqual(ids);
  });

  it('groups by service, sorted, with runbooks naming no service last', () => {
    const groups = small.byService().map((g) => [g.service, g.runbooks.map((r) => r.id)]);
    expect(groups).toEqual([
      ['api', ['a-5xx', 'b-disk']],
      ['worker', ['b-disk', 'c-queue']],
      [undefined, ['general']],
    ]);
  });

  it('looks runbooks up by id', () => {
    expect(small.size).toBe(4);
    expect(small.get('c-queue')?.services).toEqual(['worker']);
    expect(small.get('nope')).toBeUndefined();
  });
});

describe('clearWinner', () => {
  const hits = (...scores: number[]): SearchHit[] =>
    scores.map((score, i) => ({ runbook: runbook(`r${i}`, []), score }));
  it.each([
    { scores: [], want: false },
    { scores: [0.4], want: true },
    { scores: [16, 10], want: true },
    { scores: [15.9, 10], want: false },
    { scores: [30, 5, 4], want: true },
  ])('$scores → $want', ({ scores, want }) => {
    expect(clearWinner(hits(...scores))).toBe(want);
  });
});
