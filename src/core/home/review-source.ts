import type { ReviewStore } from '../../ports/review-store.ts';
import type { Catalog } from '../catalog.ts';
import { ACTION_ACKNOWLEDGE } from '../changes/review-view.ts';
import { code, t, type Text } from '../text.ts';

/** An emergency change that still needs another approver's acknowledgement. */
export interface ReviewItem {
  id: string;
  service: string;
  env: string;
  title: Text;
  requester: string;
  /** When the review is due; past due it is overdue. */
  dueAt: Date;
  /** The button that acknowledges it (its handler checks the clicker again). */
  acknowledge?: { actionId: string; value: string } | undefined;
}

/** Where App Home finds the reviews waiting for someone: the emergency path provides it. */
export interface ReviewSource {
  unacknowledgedFor(userId: string, roles: readonly string[]): Promise<ReviewItem[]>;
}

/**
 * The open reviews a person could acknowledge: someone else's emergency change, in an environment whose
 * approvers they are among (the Acknowledge button's own rule, checked again when clicked).
 */
export function reviewsToAcknowledge(reviews: Pick<ReviewStore, 'listOpenReviews'>, catalog: Catalog): ReviewSource {
  return {
    async unacknowledgedFor(userId, roles) {
      const open = await reviews.listOpenReviews();
      return open
        .filter((r) => r.requester !== userId)
        .filter((r) => roles.some((role) => catalog.environments[r.env]?.approval?.from.includes(role)))
        .map((r) => ({
          id: r.id,
          service: r.service,
          env: r.env,
          title: t`${r.kind} ${code(r.service)} ${code(r.env)}: ${r.reason}`,
          requester: r.requester,
          dueAt: r.dueAt,
          acknowledge: { actionId: ACTION_ACKNOWLEDGE, value: r.id },
        }));
    },
  };
}
