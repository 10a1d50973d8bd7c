import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { backup, DatabaseSync, type SQLInputValue } from 'node:sqlite';
import type { AuditRecord } from '../../core/audit-chain.ts';
import type { StoredAlertGroup } from '../../ports/alert-store.ts';
import type { Clock } from '../../ports/clock.ts';
import type { StoredReview } from '../../ports/review-store.ts';
import { STORE_TABLES, type StoreContents, type StoreTable } from '../../ports/store-contents.ts';
import type { Approval, Lock, StoredRequest, StoredTail } from '../../ports/store.ts';
import { StoreNotFoundError } from './audit-reader.ts';
import {
  alertGroupFromRow,
  approvalFromRow,
  auditFromRow,
  lockFromRow,
  requestFromRow,
  reviewFromRow,
  tailFromRow,
} from '../store-rows.ts';
import { SqliteStore } from './sqlite-store.ts';
import { StoreOpenError } from './store-open-error.ts';

type Row = Record<string, unknown>;

/**
 * Everything an SQLite store holds, as of one moment, for `opsdeck store migrate`. The store itself is
 * only read: a copy is taken with SQLite's backup API (consistent even while the bot writes), and the
 * copy is brought up to this version's schema, so a store left by an older opsdeck can be read too.
 */
export class SqliteSnapshot implements StoreContents {
  readonly path: string;
  readonly #db: DatabaseSync;
  readonly #dir: string;

  private constructor(path: string, db: DatabaseSync, dir: string) {
    this.path = path;
    this.#db = db;
    this.#dir = dir;
  }

  static async take(path: string, clock: Clock): Promise<SqliteSnapshot> {
    const full = resolve(path);
    if (!existsSync(full) || !statSync(full).isFile()) throw new StoreNotFoundError(full);
    const dir = await mkdtemp(join(tmpdir(), 'opsdeck-snapshot-'));
    const copy = join(dir, 'opsdeck.db');
    try {
      const source = new DatabaseSync(full, { readOnly: true });
      try {
        const table = source.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit'").get();
        if (!table) throw new Error('it has no audit table, so it is not an opsdeck store');
        await backup(source, copy);
      } finally {
        source.close();
      }
      await SqliteStore.open(copy, clock).close();
      return new SqliteSnapshot(full, new DatabaseSync(copy, { readOnly: true }), dir);
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      if (err instanceof StoreOpenError) throw err;
      throw new StoreOpenError(`cannot read the store at ${full}: ${(err as Error).message}`);
    }
  }

  counts(): Record<StoreTable, number> {
    const count = (table: StoreTable) =>
      Number((this.#db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n);
    return Object.fromEntries(STORE_TABLES.map((t) => [t, count(t)])) as Record<StoreTable, number>;
  }

  audit(): Iterable<AuditRecord> {
    return this.#pages('SELECT * FROM audit WHERE seq > ? ORDER BY seq LIMIT 1000', [0], (r) => [r.seq], auditFromRow);
  }

  requests(): Iterable<StoredRequest> {
    const sql = 'SELECT * FROM requests WHERE id > ? ORDER BY id LIMIT 1000';
    return this.#pages(sql, [''], (r) => [r.id], requestFromRow);
  }

  approvals(): Iterable<Approval> {
    const sql =
      'SELECT * FROM approvals WHERE (request_id, approver) > (?, ?) ORDER BY request_id, approver LIMIT 1000';
    return this.#pages(sql, ['', ''], (r) => [r.request_id, r.approver], approvalFromRow);
  }

  locks(): Lock[] {
    return this.#db
      .prepare('SELECT * FROM locks ORDER BY service, env')
      .all()
      .map((r) => lockFromRow(r as Row));
  }

  tails(): Iterable<StoredTail> {
    return this.#pages('SELECT * FROM tails WHERE id > ? ORDER BY id LIMIT 1000', [''], (r) => [r.id], tailFromRow);
  }

  deliveries(): { key: string; at: Date }[] {
    return this.#db
      .prepare('SELECT key, at FROM deliveries ORDER BY key')
      .all()
      .map((r) => ({ key: String(r.key), at: new Date(String(r.at)) }));
  }

  reviews(): Iterable<StoredReview> {
    return this.#pages('SELECT * FROM reviews WHERE id > ? ORDER BY id LIMIT 1000', [''], (r) => [r.id], reviewFromRow);
  }

  reminders(): Iterable<{ requestId: string; at: Date }> {
    const sql = 'SELECT request_id, at FROM reminders WHERE request_id > ? ORDER BY request_id LIMIT 1000';
    const map = (r: Row) => ({ requestId: String(r.request_id), at: new Date(String(r.at)) });
    return this.#pages(sql, [''], (r) => [r.request_id], map);
  }

  alertGroups(): Iterable<StoredAlertGroup> {
    const sql = 'SELECT * FROM alert_groups WHERE id > ? ORDER BY id LIMIT 1000';
    return this.#pages(sql, [''], (r) => [r.id], alertGroupFromRow);
  }

  async close(): Promise<void> {
    if (this.#db.isOpen) this.#db.close();
    await rm(this.#dir, { recursive: true, force: true });
  }

  /** Keyset pages, so a large table is never held in memory at once. */
  *#pages<T>(sql: string, first: SQLInputValue[], key: (row: Row) => unknown[], map: (row: Row) => T): Iterable<T> {
    const page = this.#db.prepare(sql);
    let after = first;
    for (;;) {
      const rows = page.all(...after) as Row[];
      if (!rows.length) return;
      for (const row of rows) yield map(row);
      after = key(rows[rows.length - 1]!) as SQLInputValue[];
    }
  }
}
