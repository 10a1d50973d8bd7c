import type { SQLInputValue, StatementSync } from 'node:sqlite';
import type {
  AlertGroupFilter,
  AlertGroupStatus,
  AlertStore,
  NewAlertGroup,
  StoredAlertGroup,
} from '../../ports/alert-store.ts';
import { ALERT_GROUP_COLUMNS, alertGroupFromRow, alertGroupValues, openedAlertGroup } from '../store-rows.ts';

type Row = Record<string, unknown>;

function where(filter: AlertGroupFilter): { clause: string; params: SQLInputValue[] } {
  const parts: string[] = [];
  const params: SQLInputValue[] = [];
  const add = (sql: string, value?: SQLInputValue) => {
    parts.push(sql);
    if (value !== undefined) params.push(value);
  };
  if (filter.channel !== undefined) add('channel = ?', filter.channel);
  if (filter.kind !== undefined) add('kind = ?', filter.kind);
  if (filter.summaryId !== undefined) add('summary_id = ?', filter.summaryId);
  if (filter.ownMessage) add('summary_id IS NULL');
  if (filter.createdSince) add('created_at >= ?', filter.createdSince.toISOString());
  return { clause: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}

/** The `AlertStore` part of the SQLite store, on its prepared statements. */
export class SqliteAlertGroups implements AlertStore {
  readonly #stmt: (sql: string) => StatementSync;

  constructor(stmt: (sql: string) => StatementSync) {
    this.#stmt = stmt;
  }

  async openAlertGroup(g: NewAlertGroup): Promise<{ group: StoredAlertGroup; created: boolean }> {
    const values = alertGroupValues(openedAlertGroup(g));
    const result = this.#stmt(
      `INSERT INTO alert_groups (${ALERT_GROUP_COLUMNS}) VALUES (${values.map(() => '?').join(', ')})
       ON CONFLICT (key) WHERE status = 'firing' DO NOTHING`,
    ).run(...values);
    const row = this.#stmt("SELECT * FROM alert_groups WHERE key = ? AND status = 'firing'").get(g.key) as Row;
    return { group: alertGroupFromRow(row), created: Number(result.changes) === 1 };
  }

  async getAlertGroup(id: string): Promise<StoredAlertGroup | undefined> {
    const row = this.#stmt('SELECT * FROM alert_groups WHERE id = ?').get(id);
    return row ? alertGroupFromRow(row as Row) : undefined;
  }

  async latestAlertGroup(key: string): Promise<StoredAlertGroup | undefined> {
    const row = this.#stmt('SELECT * FROM alert_groups WHERE key = ? ORDER BY created_at DESC, id DESC LIMIT 1').get(
      key,
    );
    return row ? alertGroupFromRow(row as Row) : undefined;
  }

  async updateAlertGroup(
    id: string,
    version: number,
    patch: { status: AlertGroupStatus; content: Record<string, unknown>; resolvedAt?: Date | undefined },
    at: Date,
  ): Promise<StoredAlertGroup | undefined> {
    try {
      const result = this.#stmt(`UPDATE alert_groups SET status = ?, content = ?, resolved_at = ?, updated_at = ?,
                  version = version + 1 WHERE id = ? AND version = ?`).run(
        patch.status,
        JSON.stringify(patch.content),
        patch.status === 'resolved' ? (patch.resolvedAt ?? at).toISOString() : null,
        at.toISOString(),
        id,
        version,
      );
      return Number(result.changes) === 1 ? this.getAlertGroup(id) : undefined;
    } catch (err) {
      // Firing again while a newer row of the key fires: that one is the group now.
      if (/UNIQUE constraint failed/.test(String(err))) return undefined;
      throw err;
    }
  }

  async setAlertGroupMessage(id: string, message: { channel: string; ts: string }): Promise<void> {
    this.#stmt('UPDATE alert_groups SET message_channel = ?, message_ts = ? WHERE id = ?').run(
      message.channel,
      message.ts,
      id,
    );
  }

  async listAlertGroups(filter: AlertGroupFilter): Promise<StoredAlertGroup[]> {
    const { clause, params } = where(filter);
    const limit = filter.limit === undefined ? '' : ' LIMIT ?';
    if (filter.limit !== undefined) params.push(filter.limit);
    return this.#stmt(`SELECT * FROM alert_groups ${clause} ORDER BY created_at DESC, id DESC${limit}`)
      .all(...params)
      .map((r) => alertGroupFromRow(r as Row));
  }

  async countAlertGroups(filter: AlertGroupFilter): Promise<number> {
    const { clause, params } = where(filter);
    const row = this.#stmt(`SELECT count(*) AS n FROM alert_groups ${clause}`).get(...params) as { n: number };
    return Number(row.n);
  }
}
