/** An emergency self-approval waiting for another approver to look at it afterwards. */
export interface NewReview {
  id: string;
  requestId: string;
  kind: string;
  service: string;
  env: string;
  /** Who asked for the change and approved it alone. */
  requester: string;
  /** Why it could not wait, as given with `--emergency`. */
  reason: string;
  /** The thread message carrying the Acknowledge button, when it could be posted. */
  message?: { channel: string; ts: string } | undefined;
  openedAt: Date;
  /** When it becomes overdue unless acknowledged. */
  dueAt: Date;
}

export interface StoredReview extends NewReview {
  acknowledgedBy?: string | undefined;
  acknowledgedAt?: Date | undefined;
  /** When the sweep marked it overdue (once). */
  overdueAt?: Date | undefined;
}

/** What follows a request up after it was made: reviews of emergency self-approvals, and approval reminders. */
export interface ReviewStore {
  /** Stores an open review; one per request (a second for the same request throws). */
  createReview(review: NewReview): Promise<StoredReview>;
  getReview(id: string): Promise<StoredReview | undefined>;
  /** Compare-and-set: acknowledges an open review; undefined when it was already acknowledged or is unknown. */
  acknowledgeReview(id: string, by: string, at: Date): Promise<StoredReview | undefined>;
  /** Marks an unacknowledged review overdue, once; undefined when it was acknowledged or already marked. */
  markReviewOverdue(id: string, at: Date): Promise<StoredReview | undefined>;
  /** Every unacknowledged review, earliest due first (so overdue ones lead). */
  listOpenReviews(): Promise<StoredReview[]>;
  /** Claims the one approval reminder of a request: true for the first caller on any replica, false after. */
  claimReminder(requestId: string, at: Date): Promise<boolean>;
}
