import type { StoredRequest } from '../../ports/store.ts';
import { parseDuration } from '../duration.ts';

/** Where a commit stands in the environment a promotion takes it from. */
export type PromotionGate =
  | { kind: 'none' }
  /** Finished deploying in `from` at `finishedAt`, at least `bake` ago. */
  | { kind: 'baked'; from: string; bake: string; finishedAt: Date; requestId: string }
  /** Finished in `from`, but not long enough ago: it may go on at `readyAt`. */
  | { kind: 'baking'; from: string; bake: string; finishedAt: Date; readyAt: Date; requestId: string }
  /** Never finished there; `latest` is its newest deploy there that did not (pending, running, failed…). */
  | { kind: 'absent'; from: string; bake: string; latest?: StoredRequest | undefined };

/** A deploy request's commit, or its ref when the service has no repository to resolve refs in. */
export function deployedCommit(request: StoredRequest): { ref?: string | undefined; sha?: string | undefined } {
  const exec = (request.params as { exec?: { ref?: unknown; sha?: unknown } }).exec ?? {};
  return {
    ref: typeof exec.ref === 'string' ? exec.ref : undefined,
    sha: typeof exec.sha === 'string' ? exec.sha : undefined,
  };
}

/**
 * Whether a commit may be promoted: some deploy of it in `from` succeeded at least `bake` before `now`. The
 * earliest success counts, so a redeploy of the same commit does not restart its bake. `history` holds the
 * service's deploy requests in `from`, in any state; a request's `updatedAt` is when it entered its state.
 */
export function evaluatePromotion(input: {
  promotion: { from: string; bake: string } | undefined;
  commit: { ref: string; sha?: string | undefined };
  history: readonly StoredRequest[];
  now: Date;
}): PromotionGate {
  const { promotion, commit, now } = input;
  if (!promotion) return { kind: 'none' };
  const { from, bake } = promotion;
  const same = input.history.filter((r) => {
    if (r.kind !== 'deploy') return false;
    const deployed = deployedCommit(r);
    return commit.sha ? deployed.sha === commit.sha : deployed.ref === commit.ref;
  });
  const succeeded = same
    .filter((r) => r.state === 'succeeded')
    .sort((a, b) => a.updatedAt.getTime() - b.updatedAt.getTime());
  const first = succeeded[0];
  if (!first) {
    const latest = [...same].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
    return { kind: 'absent', from, bake, latest };
  }
  const readyAt = new Date(first.updatedAt.getTime() + (parseDuration(bake) ?? 0));
  if (readyAt.getTime() <= now.getTime()) {
    return { kind: 'baked', from, bake, finishedAt: first.updatedAt, requestId: first.id };
  }
  return { kind: 'baking', from, bake, finishedAt: first.updatedAt, readyAt, requestId: first.id };
}

export const promotionBlocks = (gate: PromotionGate): boolean => gate.kind === 'baking' || gate.kind === 'absent';
