import type { StatementSync } from 'node:sqlite';
import type { NewReview, ReviewStore, StoredReview } from '../../ports/review-store.ts';
import { reviewFromRow } from '../store-rows.ts';

type Row = Record<string, unknown>;

/** The `ReviewStore` part of the SQLite store. */
export class SqliteReviews implements ReviewStore {
  readonly #stmt: (sql: string) => StatementSync;

  constructor(stmt: (sql: string) => StatementSync) {
    this.#stmt = stmt;
  }

  async createReview(r: NewReview): Promise<StoredReview> {
    this.#stmt(`INSERT INTO reviews (id, request_id, kind, service, env, requester, reason, message_channel,
                message_ts, opened_at, due_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
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
    );
    return (await this.getReview(r.id))!;
  }

  async getReview(id: string): Promise<StoredReview | undefined> {
    const row = this.#stmt('SELECT * FROM reviews WHERE id = ?').get(id);
    return row ? reviewFromRow(row as Row) : undefined;
  }

  async acknowledgeReview(id: string, by: string, at: Date): Promise<StoredReview | undefined> {
    const row = this.#stmt(
      `UPDATE reviews SET acknowledged_by = ?, acknowledged_at = ? WHERE id = ? AND acknowledged_by IS NULL
       RETURNING *`,
    ).get(by, at.toISOString(), id);
    return row ? reviewFromRow(row as Row) : undefined;
  }

  async markReviewOverdue(id: string, at: Date): Promise<StoredReview | undefined> {
    const row = this.#stmt(
      `UPDATE reviews SET overdue_at = ? WHERE id = ? AND acknowledged_by IS NULL AND overdue_at IS NULL
       RETURNING *`,
    ).get(at.toISOString(), id);
    return row ? reviewFromRow(row as Row) : undefined;
  }

  async listOpenReviews(): Promise<StoredReview[]> {
    return this.#stmt('SELECT * FROM reviews WHERE acknowledged_by IS NULL ORDER BY due_at, id')
      .all()
      .map((r) => reviewFromRow(r as Row));
  }

  async claimReminder(requestId: string, at: Date): Promise<boolean> {
    const result = this.#stmt('INSERT INTO reminders (request_id, at) VALUES (?, ?) ON CONFLICT DO NOTHING').run(
      requestId,
      at.toISOString(),
    );
    return Number(result.changes) === 1;
  }
}
