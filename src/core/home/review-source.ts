import type { Text } from '../text.ts';

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
