import { createHash } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';

export type Row = Record<string, unknown>;
export type Values = readonly unknown[];
/** Runs one statement on the connection at hand and returns its rows. */
export type Run = (text: string, values?: Values) => Promise<{ rows: Row[]; rowCount: number }>;

/**
 * The pool, with two promises kept on every statement: it is prepared once per connection (named by
 * its text), and it answers within a deadline, past which the connection is dropped, not reused: the
 * server's statement_timeout cannot help when the network between is gone.
 */
export class Db {
  readonly #pool: Pool;
  readonly #deadlineMs: number;

  constructor(pool: Pool, deadlineMs: number) {
    this.#pool = pool;
    this.#deadlineMs = deadlineMs;
  }

  async query(text: string, values: Values = []): Promise<Row[]> {
    return this.#withClient(async (run) => (await run(text, values)).rows);
  }

  async count(text: string, values: Values = []): Promise<number> {
    return this.#withClient(async (run) => (await run(text, values)).rowCount);
  }

  /** One transaction on one connection; rolled back when `work` throws. */
  async transaction<T>(work: (run: Run) => Promise<T>): Promise<T> {
    return this.#withClient(async (run) => {
      await run('BEGIN');
      try {
        const result = await work(run);
        await run('COMMIT');
        return result;
      } catch (err) {
        await run('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }

  async #withClient<T>(work: (run: Run) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    let broken: Error | undefined;
    // A checked-out client that loses its connection emits 'error'; unheard, that would end the process.
    const onError = (err: Error) => {
      broken ??= err;
    };
    client.on('error', onError);
    const run: Run = async (text, values = []) => {
      // Nothing more goes down a connection that stopped answering (not even ROLLBACK: the server rolls
      // back when the connection drops).
      if (broken) throw broken;
      try {
        return await this.#deadline(client, text, values);
      } catch (err) {
        if ((err as { deadline?: boolean }).deadline) broken = err as Error;
        throw err;
      }
    };
    try {
      return await work(run);
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }

  async #deadline(client: PoolClient, text: string, values: Values): Promise<{ rows: Row[]; rowCount: number }> {
    const name = `opsdeck_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    const query = client.query<Row>({ name, text, values: [...values] });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const err = Object.assign(new Error(`PostgreSQL did not answer within ${this.#deadlineMs} ms`), {
          deadline: true,
        });
        reject(err);
      }, this.#deadlineMs);
    });
    // The losing promise still settles later (when the connection is dropped); nobody waits on it.
    query.catch(() => undefined);
    try {
      const result = await Promise.race([query, late]);
      return { rows: result.rows, rowCount: result.rowCount ?? 0 };
    } finally {
      clearTimeout(timer);
    }
  }
}
