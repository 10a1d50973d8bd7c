import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.ts';
import { parseConfig } from '../../src/config/load.ts';
import { Registry } from '../../src/core/registry.ts';
import { checkRunbooks } from '../../src/core/runbooks/check.ts';
import { MAX_BLOCK_CHARS, MAX_BLOCKS } from '../../src/slack/markdown/block-builder.ts';
import { markdownToBlocks } from '../../src/slack/markdown/to-blocks.ts';
import { formatRunbookProblem } from '../../src/core/runbooks/problem.ts';
import type { Runbook } from '../../src/core/runbooks/parse.ts';
import type { RunbookFile } from '../../src/ports/runbooks.ts';
import { shippedRunbooks } from './shipped.ts';

let files: RunbookFile[];
let runbooks: Runbook[];
beforeAll(async () => {
  ({ files, runbooks } = await shippedRunbooks());
});

describe('shipped runbooks', () => {
  it('pass `runbooks check` against opsdeck.example.yaml and the real commands', async () => {
    const config = parseConfig(await readFile(resolve(import.meta.dirname, '../../opsdeck.example.yaml'), 'utf8'));
    const problems = checkRunbooks(files, { catalog: config, registry: new Registry(commands) });
    expect(problems.map((p) => formatRunbookProblem(p, 'runbooks'))).toEqual([]);
  });

  it('cover the incidents an on-call meets most', () => {
    expect(runbooks.map((r) => r.id).sort()).toEqual([
      'certificate-expiry',
      'database-connections-exhausted',
      'disk-full',
      'failed-deploy',
      'high-5xx-rate',
      'high-latency',
      'pod-crash-looping',
      'queue-backlog',
    ]);
  });

  it.each(['api', 'web', 'worker'])('include runbooks for %s', (service) => {
    expect(runbooks.filter((r) => r.services.includes(service)).length).toBeGreaterThanOrEqual(3);
  });

  it('are complete: metadata, 60–150 lines, the usual sections, opsdeck steps', () => {
    for (const r of runbooks) {
      const lines = files.find((f) => f.path === r.path)!.text.split('\n').length;
      expect({ id: r.id, lines: lines >= 60 && lines <= 150 }).toEqual({ id: r.id, lines: true });
      expect(r).toMatchObject({
        owner: '@sre-oncall',
        severity: expect.any(String),
        updated: expect.stringMatching(/^2026-/),
      });
      expect(r.alerts.length, r.id).toBeGreaterThan(0);
      for (const section of [
        '## Summary',
        '## First 5 minutes',
        '## Diagnosis',
        '## Mitigation',
        '## Escalation',
        '## Follow-up',
      ]) {
        expect(r.body, `${r.id} ${section}`).toContain(`\n${section}\n`);
      }
      const families = new Set(r.steps.map((s) => s.family));
      expect([...families].filter((f) => ['ops', 'logs'].includes(f)).sort(), r.id).toEqual(['logs', 'ops']);
      expect(r.body, r.id).not.toMatch(/https?:\/\//);
    }
  });

  it('map every alert to one runbook only', () => {
    const alerts = runbooks.flatMap((r) => r.alerts.map((a) => a.toLowerCase()));
    expect(alerts.length).toBe(new Set(alerts).size);
  });

  it('render for Slack within the limits, without cutting any of them', () => {
    for (const r of runbooks) {
      const blocks = markdownToBlocks(r.body, { title: r.title });
      expect(blocks[0]?.type, r.id).not.toBe('header');
      expect(blocks.length, r.id).toBeLessThanOrEqual(MAX_BLOCKS);
      expect(
        blocks.some((b) => b.type === 'context'),
        r.id,
      ).toBe(false);
      for (const b of blocks) if ('text' in b) expect(b.text.length, r.id).toBeLessThanOrEqual(MAX_BLOCK_CHARS);
    }
  });
});
