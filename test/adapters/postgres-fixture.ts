import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL the tests use (`.ci/run` starts it); each test works in a schema of its own. */
export const PG_URL = process.env.OPSDECK_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestSchema {
  name: string;
  /** DATABASE_URL for the store in this schema, with extra parameters. */
  url(extra?: Record<string, string>): string;
  /** Runs SQL with the schema as search_path, as an operator (or an attacker) with psql would. */
  sql(text: string, values?: unknown[]): Promise<Record<string, unknown>[]>;
  drop(): Promise<void>;
}

/** A schema name nobody else uses; nothing is created until a store opens it. */
export function testSchema(): TestSchema {
  const name = `opsdeck_test_${randomBytes(6).toString('hex')}`;
  const url = (extra: Record<string, string> = {}) => {
    const u = new URL(PG_URL);
    u.searchParams.set('schema', name);
    u.searchParams.set('pool_size', '3');
    for (const [k, v] of Object.entries(extra)) u.searchParams.set(k, v);
    return u.toString();
  };
  const sql = async (text: string, values: unknown[] = []) => {
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      await client.query(`SET search_path TO "${name}"`);
      return (await client.query(text, values)).rows as Record<string, unknown>[];
    } finally {
      await client.end();
    }
  };
  return { name, url, sql, drop: async () => void (await sql(`DROP SCHEMA IF EXISTS "${name}" CASCADE`)) };
}
