import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { PromMetrics } from '../../src/observability/metrics.ts';

interface Panel {
  id: number;
  type: string;
  title: string;
  targets?: { expr: string }[];
}

const dashboard = JSON.parse(await readFile(new URL('../../deploy/grafana/opsdeck.json', import.meta.url), 'utf8')) as {
  uid: string;
  panels: Panel[];
  templating: { list: { query: unknown }[] };
};

const exported = new Set(new PromMetrics().registry.getMetricsAsArray().map((m) => m.name));
const queries = [
  ...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)),
  ...dashboard.templating.list.map((v) => v.query).filter((q): q is string => typeof q === 'string'),
];
// A histogram is exported by its name and queried by its series.
const metricOf = (series: string) => series.replace(/_(bucket|sum|count)$/, '');
const used = new Set(queries.flatMap((q) => [...q.matchAll(/\bopsdeck_[a-z0-9_]+/g)].map((m) => m[0])));

describe('the Grafana dashboard', () => {
  it('queries only metrics the bot exports', () => {
    expect(used.size).toBeGreaterThan(5);
    const unknown = [...used].filter((s) => !exported.has(s) && !exported.has(metricOf(s)));
    expect(unknown).toEqual([]);
  });

  it('shows every outcome metric', () => {
    const shown = new Set([...used].map(metricOf));
    for (const name of [
      'opsdeck_changes_total',
      'opsdeck_approval_latency_seconds',
      'opsdeck_restore_seconds',
      'opsdeck_pending_approvals',
      'opsdeck_running_changes',
      'opsdeck_follows_running',
      'opsdeck_emergency_reviews_open',
      'opsdeck_emergency_reviews_overdue',
      'opsdeck_emergency_approvals_total',
    ]) {
      expect(shown, name).toContain(name);
      expect(exported, name).toContain(name);
    }
  });

  it('has panels with unique ids and a query each', () => {
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of dashboard.panels.filter((p) => p.type !== 'row'))
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
  });
});
