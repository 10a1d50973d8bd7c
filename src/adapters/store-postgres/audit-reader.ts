import pg from 'pg';
import type { AuditRecord } from '../../core/audit-chain.ts';
import { readAuditPages } from './audit.ts';
import { parseDatabaseUrl } from './connection.ts';
import { Db } from './db.ts';
import { PostgresOpenError } from './postgres-store.ts';

/**
 * The audit log of an existing PostgreSQL store, for `opsdeck audit verify` and `export`: it never
 * creates the schema nor migrates it, and its session is read-only on the server's side.
 */
export class PostgresAuditReader {
  /** Where it reads, without the password. */
  readonly path: string;
  readonly #db: Db;
  readonly #schema: string;

  private constructor(path: string, db: Db, schema: string) {
    this.path = path;
    this.#db = db;
    this.#schema = schema;
  }

  static async open(url: string): Promise<PostgresAuditReader> {
    const target = parseDatabaseUrl(url);
    const pool = new pg.Pool({ ...target.pool, max: 1, options: '-c default_transaction_read_only=on' });
    pool.on('error', () => undefined);
    const db = new Db(pool, target.statementTimeoutMs + 5000);
    let table: unknown;
    try {
      const [row] = await db.query('SELECT to_regclass($1)::text AS found', [`"${target.schema}".audit`]);
      table = row?.found;
    } catch (err) {
      await db.close();
      throw new PostgresOpenError(`cannot read the PostgreSQL store ${target.display}: ${(err as Error).message}`);
    }
    if (!table) {
      await db.close();
      throw new PostgresOpenError(
        `${target.display} has no audit table, so it is not an opsdeck store (nothing was created); ` +
          'check the database and the schema= parameter of DATABASE_URL',
      );
    }
    return new PostgresAuditReader(target.display, db, target.schema);
  }

  readAudit(fromSeq = 1): AsyncIterable<AuditRecord> {
    return readAuditPages(this.#db, `"${this.#schema}"`, fromSeq);
  }

  async close(): Promise<void> {
    await this.#db.close();
  }
}
