import type { ServiceGroup } from '../../src/core/runbooks/search.ts';
import { bold, code, join, t, type Inline } from '../../src/core/text.ts';

// One Slack section holds 3,000 characters: a longer listing would be cut off mid-list.
const FITS = 2_800;

/**
 * `/runbook` alone: every runbook's title under each service while that fits one message; past that (a
 * docs repository with thousands of runbooks) the services with how many runbooks each, as many as fit,
 * and how to search instead.
 */
export function runbookListing(groups: readonly ServiceGroup[]): Inline[] {
  const name = (g: ServiceGroup) => g.service ?? 'general';
  const length = groups.reduce(
    (n, g) => n + name(g).length + g.runbooks.reduce((m, r) => m + r.title.length + 3, 3),
    0,
  );
  if (length <= FITS) {
    const lines = groups.map((g) => t`${bold(name(g))}: ${g.runbooks.map((rb) => rb.title).join(' · ')}`);
    return t`Runbooks by service (${code('/runbook <words>')} to open one):\n${join(lines, '\n')}`;
  }
  const total = new Set(groups.flatMap((g) => g.runbooks.map((r) => r.id))).size;
  const shown: string[] = [];
  let used = 0;
  for (const g of groups) {
    const entry = `${name(g)} (${g.runbooks.length})`;
    if (used + entry.length + 3 > FITS) break;
    shown.push(entry);
    used += entry.length + 3;
  }
  const more = groups.length - shown.length;
  const runbooks = total === 1 ? 'runbook' : 'runbooks';
  const search = t`search them with ${code('/runbook <words>')} or ${code('/runbook --alert <AlertName>')}`;
  const list = `${shown.join(' · ')}${more ? ` · and ${more} more services` : ''}`;
  const count = `${total} ${runbooks} for ${groups.length} services`;
  return t`${count}, too many to list: ${search}. Runbooks per service: ${list}.`;
}
