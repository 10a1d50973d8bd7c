import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { AuditRecord } from '../../core/audit-chain.ts';
import { auditFromRow } from '../store-rows.ts';
import { StoreOpenError } from './store-open-error.ts';

/** No store file where one was expected; `path` is the absolute path that was looked at. */
export class StoreNotFoundError extends StoreOpenError {
  readonly path: string;

  constructor(path: string) {
    super(`no store at ${path}`);
    this.path = path;
  }
}

/**
 * The audit log of an existing SQLite store, opened read-only for `opsdeck audit verify` and `export`:
 * it never creates a file and never migrates, so pointing it at the wrong place fails instead of
 * producing an empty store that verifies. WAL lets it read while the bot writes.
 */
export class SqliteAuditReader {
  readonly path: string;
  readonly #db: DatabaseSync;

  private constructor(path: string, db: DatabaseSync) {
    this.path = path;
    this.#db = db;
  }

  static open(path: string): SqliteAuditReader {
    const full = resolve(path);
    if (!existsSync(full) || !statSync(full).isFile()) throw new StoreNotFoundError(full);
    let db: DatabaseSync | undefined;
    try {
      db = new DatabaseSync(full, { readOnly: true });
      db.exec('PRAGMA query_only = ON; PRAGMA busy_timeout = 5000;');
      const table = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'audit'").get();
      if (!table) throw new Error('it has no audit table, so it is not an opsdeck store');
    } catch (err) {
      db?.close();
      throw new StoreOpenError(`cannot read the store at ${full}: ${(err as Error).message}`);
    }
    return new SqliteAuditReader(full, db);
  }

  async *readAudit(fromSeq = 1): AsyncIterable<AuditRecord> {
    // Paged so no statement stays open across the consumer's awaits.
    const page = this.#db.prepare('SELECT * FROM audit WHERE seq >= ? ORDER BY seq LIMIT 500');
    let next = fromSeq;
    for (;;) {
      const rows = page.all(next) as Record<string, unknown>[];
      if (!rows.length) return;
      for (const row of rows) yield auditFromRow(row);
      next = Number(rows[rows.length - 1]!.seq) + 1;
    }
  }

  async close(): Promise<void> {
    if (this.#db.isOpen) this.#db.close();
  }
}
