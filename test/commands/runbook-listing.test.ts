import { describe, expect, it } from 'vitest';
import { runbookListing } from '../../commands/runbook/listing.ts';
import type { Runbook } from '../../src/core/runbooks/parse.ts';
import type { ServiceGroup } from '../../src/core/runbooks/search.ts';
import { plainText } from '../../src/core/text.ts';

const runbook = (id: string, title: string): Runbook => ({
  id,
  path: `${id}.md`,
  title,
  services: [],
  alerts: [],
  tags: [],
  body: '',
  steps: [],
});

/** `count` services named s0, s1, …, each with `per` runbooks. */
const groups = (count: number, per: number): ServiceGroup[] =>
  Array.from({ length: count }, (_, s) => ({
    service: `s${s}`,
    runbooks: Array.from({ length: per }, (_, r) => runbook(`s${s}-${r}`, `Runbook ${r} of service ${s}`)),
  }));

describe('runbookListing', () => {
  it.each([
    { services: 2, per: 3, listsTitles: true },
    { services: 8, per: 8, listsTitles: true },
    { services: 40, per: 10, listsTitles: false },
    { services: 800, per: 12, listsTitles: false },
  ])('$services services of $per runbooks: titles listed $listsTitles', ({ services, per, listsTitles }) => {
    const text = plainText(runbookListing(groups(services, per)));
    expect(text.length).toBeLessThanOrEqual(3_000);
    expect(text.includes('Runbook 0 of service 1')).toBe(listsTitles);
    if (!listsTitles) {
      expect(text).toContain(`${services * per} runbooks for ${services} services`);
      expect(text).toContain(`s1 (${per})`);
      expect(text).toContain('/runbook <words>');
    }
  });

  it('says how many services it left out', () => {
    expect(plainText(runbookListing(groups(800, 12)))).toMatch(/and \d+ more services\.$/);
  });

  it('counts a runbook under two services once', () => {
    const shared = groups(300, 1).map((g) => ({ ...g, runbooks: [runbook('shared', 'Shared runbook')] }));
    expect(plainText(runbookListing(shared))).toContain('1 runbook for 300 services');
  });
});
