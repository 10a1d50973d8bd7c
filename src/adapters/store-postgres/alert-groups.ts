import type {
  AlertGroupFilter,
  AlertGroupStatus,
  AlertStore,
  NewAlertGroup,
  StoredAlertGroup,
} from '../../ports/alert-store.ts';
import {
  ALERT_GROUP_COLUMNS as COLUMNS,
  alertGroupFromRow,
  alertGroupValues,
  openedAlertGroup,
} from '../store-rows.ts';
import type { Db } from './db.ts';

/** The types of ALERT_GROUP_COLUMNS, in their order, for `unnest` in an import. */
export const ALERT_GROUP_TYPES = ['text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text'].concat([
  'timestamptz',
  'timestamptz',
  'timestamptz',
  'bigint',
  'text',
  'text',
]);

function where(filter: AlertGroupFilter): { clause: string; values: unknown[] } {
  const parts: string[] = [];
  const values: unknown[] = [];
  const add = (sql: (n: string) => string, value?: unknown) => {
    if (value === undefined) return parts.push(sql(''));
    values.push(value);
    parts.push(sql(`$${values.length}`));
  };
  if (filter.channel !== undefined) add((n) => `channel = ${n}`, filter.channel);
  if (filter.kind !== undefined) add((n) => `kind = ${n}`, filter.kind);
  if (filter.summaryId !== undefined) add((n) => `summary_id = ${n}`, filter.summaryId);
  if (filter.ownMessage) add(() => 'summary_id IS NULL');
  if (filter.createdSince) add((n) => `created_at >= ${n}`, filter.createdSince.toISOString());
  return { clause: parts.length ? `WHERE ${parts.join(' AND ')}` : '', values };
}

/** The `AlertStore` part of the PostgreSQL store. */
export class PostgresAlertGroups implements AlertStore {
  readonly #db: Db;
  readonly #s: string;

  constructor(db: Db, quotedSchema: string) {
    this.#db = db;
    this.#s = quotedSchema;
  }

  async openAlertGroup(g: NewAlertGroup): Promise<{ group: StoredAlertGroup; created: boolean }> {
    const values = alertGroupValues(openedAlertGroup(g));
    const params = values.map((_, i) => `$${i + 1}`).join(', ');
    // Inserted, or another writer's firing row is read: the pair is tried again if that row resolved between.
    for (;;) {
      const inserted = await this.#db.query(
        `INSERT INTO ${this.#s}.alert_groups (${COLUMNS}) VALUES (${params})
         ON CONFLICT (key) WHERE status = 'firing' DO NOTHING RETURNING ${COLUMNS}`,
        values,
      );
      if (inserted[0]) return { group: alertGroupFromRow(inserted[0]), created: true };
      const [firing] = await this.#db.query(
        `SELECT ${COLUMNS} FROM ${this.#s}.alert_groups WHERE key = $1 AND status = 'firing'`,
        [g.key],
      );
      if (firing) return { group: alertGroupFromRow(firing), created: false };
    }
  }

  async getAlertGroup(id: string): Promise<StoredAlertGroup | undefined> {
    const [row] = await this.#db.query(`SELECT ${COLUMNS} FROM ${this.#s}.alert_groups WHERE id = $1`, [id]);
    return row ? alertGroupFromRow(row) : undefined;
  }

  async latestAlertGroup(key: string): Promise<StoredAlertGroup | undefined> {
    const [row] = await this.#db.query(
      `SELECT ${COLUMNS} FROM ${this.#s}.alert_groups WHERE key = $1 ORDER BY created_at DESC, id DESC LIMIT 1`,
      [key],
    );
    return row ? alertGroupFromRow(row) : undefined;
  }

  async updateAlertGroup(
    id: string,
    version: number,
    patch: { status: AlertGroupStatus; content: Record<string, unknown>; resolvedAt?: Date | undefined },
    at: Date,
  ): Promise<StoredAlertGroup | undefined> {
    try {
      const [row] = await this.#db.query(
        `UPDATE ${this.#s}.alert_groups SET status = $1, content = $2, resolved_at = $3, updated_at = $4,
           version = version + 1 WHERE id = $5 AND version = $6 RETURNING ${COLUMNS}`,
        [
          patch.status,
          JSON.stringify(patch.content),
          patch.status === 'resolved' ? (patch.resolvedAt ?? at).toISOString() : null,
          at.toISOString(),
          id,
          version,
        ],
      );
      return row ? alertGroupFromRow(row) : undefined;
    } catch (err) {
      // Firing again while a newer row of the key fires: that one is the group now.
      if ((err as { code?: string }).code === '23505') return undefined;
      throw err;
    }
  }

  async setAlertGroupMessage(id: string, message: { channel: string; ts: string }): Promise<void> {
    await this.#db.query(`UPDATE ${this.#s}.alert_groups SET message_channel = $1, message_ts = $2 WHERE id = $3`, [
      message.channel,
      message.ts,
      id,
    ]);
  }

  async listAlertGroups(filter: AlertGroupFilter): Promise<StoredAlertGroup[]> {
    const { clause, values } = where(filter);
    const limit = filter.limit === undefined ? '' : ` LIMIT $${values.push(filter.limit)}`;
    const rows = await this.#db.query(
      `SELECT ${COLUMNS} FROM ${this.#s}.alert_groups ${clause} ORDER BY created_at DESC, id DESC${limit}`,
      values,
    );
    return rows.map(alertGroupFromRow);
  }

  async countAlertGroups(filter: AlertGroupFilter): Promise<number> {
    const { clause, values } = where(filter);
    const [row] = await this.#db.query(`SELECT count(*) AS n FROM ${this.#s}.alert_groups ${clause}`, values);
    return Number(row?.n ?? 0);
  }
}
