import { expect, it } from 'vitest';
import type { NewReview } from '../../src/ports/review-store.ts';
import type { Store } from '../../src/ports/store.ts';

const T0 = new Date('2026-11-24T10:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

function review(id: string, overrides: Partial<NewReview> = {}): NewReview {
  return {
    id,
    requestId: `req_${id}`,
    kind: 'deploy',
    service: 'api',
    env: 'prod',
    requester: 'U0ALICE',
    reason: 'checkout is down',
    message: { channel: 'C0DEPLOYS', ts: '1700000000.000100' },
    openedAt: T0,
    dueAt: at(24 * 60),
    ...overrides,
  };
}

/** The review and reminder cases of the store conformance suite: every `Store` runs them with its own fixture. */
export function reviewStoreCases(store: () => Store): void {
  it('stores a review and reads it back whole', async () => {
    const created = await store().createReview(review('rev_1'));
    expect(created).toEqual({
      ...review('rev_1'),
      acknowledgedBy: undefined,
      acknowledgedAt: undefined,
      overdueAt: undefined,
    });
    expect(await store().getReview('rev_1')).toEqual(created);
    expect(await store().getReview('rev_none')).toBeUndefined();
    const bare = await store().createReview(review('rev_2', { message: undefined }));
    expect(bare.message).toBeUndefined();
  });

  it('keeps one review per request', async () => {
    await store().createReview(review('rev_1', { requestId: 'req_same' }));
    await expect(store().createReview(review('rev_2', { requestId: 'req_same' }))).rejects.toThrow();
  });

  it('acknowledges a review once, whoever clicks first', async () => {
    await store().createReview(review('rev_1'));
    const results = await Promise.all([
      store().acknowledgeReview('rev_1', 'U0BOB', at(5)),
      store().acknowledgeReview('rev_1', 'U0CAROL', at(6)),
    ]);
    const won = results.filter((r) => r !== undefined);
    expect(won).toHaveLength(1);
    expect((await store().getReview('rev_1'))?.acknowledgedBy).toBe(won[0]!.acknowledgedBy);
    expect(await store().acknowledgeReview('rev_none', 'U0BOB', at(5))).toBeUndefined();
  });

  it('marks an unacknowledged review overdue once, and never an acknowledged one', async () => {
    await store().createReview(review('rev_1'));
    await store().createReview(review('rev_2'));
    await store().acknowledgeReview('rev_2', 'U0BOB', at(5));
    const first = await store().markReviewOverdue('rev_1', at(24 * 60 + 1));
    expect(first?.overdueAt).toEqual(at(24 * 60 + 1));
    expect(await store().markReviewOverdue('rev_1', at(24 * 60 + 2))).toBeUndefined();
    expect(await store().markReviewOverdue('rev_2', at(24 * 60 + 1))).toBeUndefined();
    // Still open until someone acknowledges it, overdue or not.
    expect((await store().acknowledgeReview('rev_1', 'U0BOB', at(24 * 60 + 3)))?.overdueAt).toEqual(at(24 * 60 + 1));
  });

  it('lists unacknowledged reviews earliest due first', async () => {
    await store().createReview(review('rev_late', { dueAt: at(300) }));
    await store().createReview(review('rev_early', { dueAt: at(100) }));
    await store().createReview(review('rev_done', { dueAt: at(50) }));
    await store().acknowledgeReview('rev_done', 'U0BOB', at(5));
    expect((await store().listOpenReviews()).map((r) => r.id)).toEqual(['rev_early', 'rev_late']);
  });

  it('claims a request reminder once across racing callers', async () => {
    const claims = await Promise.all(Array.from({ length: 6 }, () => store().claimReminder('req_1', at(15))));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await store().claimReminder('req_1', at(16))).toBe(false);
    expect(await store().claimReminder('req_2', at(16))).toBe(true);
  });
}
