import type { Clock } from '../ports/clock.ts';
import type { LiveCounts } from '../ports/metrics.ts';
import type { Store } from '../ports/store.ts';

const byEnv = (items: readonly { env: string }[]): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const { env } of items) out[env] = (out[env] ?? 0) + 1;
  return out;
};

/** Reads what is open now from the store, which all replicas share, so the gauges agree between them. */
export async function readLiveCounts(
  store: Pick<Store, 'listRequests' | 'listTails' | 'listOpenReviews'>,
  clock: Clock,
): Promise<LiveCounts> {
  const [pending, running, follows, reviews] = await Promise.all([
    store.listRequests({ states: ['pending'] }),
    store.listRequests({ states: ['running'] }),
    store.listTails({ states: ['running', 'stopping'] }),
    store.listOpenReviews(),
  ]);
  const now = clock.now().getTime();
  return {
    pendingApprovals: byEnv(pending),
    runningChanges: byEnv(running),
    follows: follows.length,
    openReviews: reviews.length,
    overdueReviews: reviews.filter((r) => r.dueAt.getTime() <= now).length,
  };
}
