import type { NewReview, ReviewStore, StoredReview } from '../../ports/review-store.ts';
import { reviewFromRow } from '../store-rows.ts';
import type { Db } from './db.ts';

// Named, never `*`: a statement prepared by an older replica keeps its result type when a newer one migrates.
export const REVIEW_COLUMNS =
  'id, request_id, kind, service, env, requester, reason, message_channel, message_ts, opened_at, due_at, ' +
  'acknowledged_by, acknowledged_at, overdue_at';

/** The `ReviewStore` part of the PostgreSQL store. */
export class PostgresReviews implements ReviewStore {
  readonly #db: Db;
  readonly #s: string;

  constructor(db: Db, quotedSchema: string) {
    this.#db = db;
    this.#s = quotedSchema;
  }

  async createReview(r: NewReview): Promise<StoredReview> {
    const [row] = await this.#db.query(
      `INSERT INTO ${this.#s}.reviews (id, request_id, kind, service, env, requester, reason, message_channel,
         message_ts, opened_at, due_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       RETURNING ${REVIEW_COLUMNS}`,
      [
        r.id,
        r.requestId,
        r.kind,
        r.service,
        r.env,
        r.requester,
        r.reason,
        r.message?.channel ?? null,
        r.message?.ts ?? null,
        r.openedAt.toISOString(),
        r.dueAt.toISOString(),
      ],
    );
    return reviewFromRow(row!);
  }

  async getReview(id: string): Promise<StoredReview | undefined> {
    const [row] = await this.#db.query(`SELECT ${REVIEW_COLUMNS} FROM ${this.#s}.reviews WHERE id = $1`, [id]);
    return row ? reviewFromRow(row) : undefined;
  }

  async acknowledgeReview(id: string, by: string, at: Date): Promise<StoredReview | undefined> {
    const [row] = await this.#db.query(
      `UPDATE ${this.#s}.reviews SET acknowledged_by = $1, acknowledged_at = $2
       WHERE id = $3 AND acknowledged_by IS NULL RETURNING ${REVIEW_COLUMNS}`,
      [by, at.toISOString(), id],
    );
    return row ? reviewFromRow(row) : undefined;
  }

  async markReviewOverdue(id: string, at: Date): Promise<StoredReview | undefined> {
    const [row] = await this.#db.query(
      `UPDATE ${this.#s}.reviews SET overdue_at = $1
       WHERE id = $2 AND acknowledged_by IS NULL AND overdue_at IS NULL RETURNING ${REVIEW_COLUMNS}`,
      [at.toISOString(), id],
    );
    return row ? reviewFromRow(row) : undefined;
  }

  async listOpenReviews(): Promise<StoredReview[]> {
    const rows = await this.#db.query(
      `SELECT ${REVIEW_COLUMNS} FROM ${this.#s}.reviews WHERE acknowledged_by IS NULL ORDER BY due_at, id`,
    );
    return rows.map(reviewFromRow);
  }

  async claimReminder(requestId: string, at: Date): Promise<boolean> {
    const rows = await this.#db.query(
      `INSERT INTO ${this.#s}.reminders (request_id, at) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING request_id`,
      [requestId, at.toISOString()],
    );
    return rows.length === 1;
  }
}
