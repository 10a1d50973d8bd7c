import { createHash } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { Migration } from './migrations.ts';

/** Longest wait for another replica's migrations before giving up (their DDL may wait on locks too). */
const MIGRATION_LOCK_TIMEOUT = '120s';

/** The advisory lock of one schema's migrations: advisory locks are per database, schemas share them. */
export function migrationLockKey(schema: string): string {
  return createHash('sha256').update(`opsdeck migrations ${schema}`).digest().readBigInt64BE(0).toString();
}

/**
 * Brings the schema up to date, creating it when missing. Replicas starting together queue on a
 * session advisory lock, so each migration runs once; whoever comes next sees it recorded and skips
 * it. The connection is dropped afterwards rather than pooled: its session settings are not the pool's.
 */
export async function migrate(
  pool: Pool,
  schema: string,
  migrations: readonly Migration[],
  at: Date,
): Promise<number[]> {
  const client = await pool.connect();
  const onError = () => undefined;
  client.on('error', onError);
  try {
    // DDL on a large table may outlast the statement timeout meant for the bot's own statements.
    await client.query(`SET statement_timeout = 0; SET lock_timeout = '${MIGRATION_LOCK_TIMEOUT}'`);
    const key = migrationLockKey(schema);
    await client.query('SELECT pg_advisory_lock($1::bigint)', [key]);
    try {
      return await applyPending(client, schema, migrations, at);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1::bigint)', [key]);
    }
  } finally {
    client.off('error', onError);
    client.release(true);
  }
}

async function applyPending(
  client: PoolClient,
  schema: string,
  migrations: readonly Migration[],
  at: Date,
): Promise<number[]> {
  const q = `"${schema}"`;
  // Checked first: CREATE SCHEMA IF NOT EXISTS needs the CREATE privilege even when the schema exists.
  const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
  if (!exists.rowCount) await client.query(`CREATE SCHEMA ${q}`);
  await client.query(
    `CREATE TABLE IF NOT EXISTS ${q}.schema_migrations
       (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)`,
  );
  const done = await client.query<{ version: number }>(`SELECT version FROM ${q}.schema_migrations`);
  const applied = new Set(done.rows.map((r) => Number(r.version)));
  const now: number[] = [];
  for (const m of migrations) {
    if (applied.has(m.version)) continue;
    await client.query('BEGIN');
    try {
      await client.query(`SET LOCAL search_path TO ${q}`);
      await client.query(m.sql);
      await client.query(`INSERT INTO ${q}.schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`, [
        m.version,
        m.name,
        at.toISOString(),
      ]);
      await client.query('COMMIT');
      now.push(m.version);
    } catch (err) {
      await client.query('ROLLBACK');
      throw new Error(`migration ${m.version} (${m.name}) failed: ${(err as Error).message}`, { cause: err });
    }
  }
  return now;
}
