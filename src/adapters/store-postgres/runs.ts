import { type LeasedRequest, type StoredRequest, TargetBusy } from '../../ports/store.ts';
import type { Db } from './db.ts';
import { requestFromRow } from '../store-rows.ts';
import { REQUEST_COLUMNS } from './columns.ts';

const UNIQUE_VIOLATION = '23505';
/** `ttlMs` from now by the server's clock: every replica's lease is measured by this one clock. */
export const LEASE_UNTIL = (param: number) => `clock_timestamp() + $${param}::bigint * interval '1 millisecond'`;

/**
 * The leases of running changes on PostgreSQL. Expiry is judged by `clock_timestamp()`, never by a
 * time a replica sends (`at` only stamps what people read), and the token of the holder fences every
 * write about the run.
 */
export class PostgresRuns {
  readonly #db: Db;
  readonly #s: string;

  constructor(db: Db, quotedSchema: string) {
    this.#db = db;
    this.#s = quotedSchema;
  }

  async start(id: string, runner: string, ttlMs: number, at: Date): Promise<LeasedRequest | undefined> {
    // The change in the way may end between the refusal and the look-up: then the move is tried again.
    for (let attempt = 0; ; attempt++) {
      try {
        const [row] = await this.#db.query(
          `UPDATE ${this.#s}.requests SET state = 'running', runner = $1, lease_token = COALESCE(lease_token, 0) + 1,
           lease_expires_at = ${LEASE_UNTIL(2)}, heartbeat_at = $3, updated_at = $3, changed_at = clock_timestamp(),
           version = version + 1 WHERE id = $4 AND state = 'approved' RETURNING ${REQUEST_COLUMNS}`,
          [runner, ttlMs, at.toISOString(), id],
        );
        return leased(row);
      } catch (err) {
        if ((err as { code?: string }).code !== UNIQUE_VIOLATION) throw err;
        const [holder] = await this.#db.query(
          `SELECT r.id FROM ${this.#s}.requests AS mine JOIN ${this.#s}.requests AS r
           ON r.service = mine.service AND r.env = mine.env AND r.state = 'running' WHERE mine.id = $1`,
          [id],
        );
        if (holder || attempt >= 2) {
          const [request] = await this.#db.query(`SELECT service, env FROM ${this.#s}.requests WHERE id = $1`, [id]);
          const target = { service: String(request?.service ?? '?'), env: String(request?.env ?? '?') };
          throw new TargetBusy(target, holder ? String(holder.id) : 'unknown');
        }
      }
    }
  }

  async renew(id: string, token: number, ttlMs: number, at: Date): Promise<boolean> {
    const changed = await this.#db.count(
      `UPDATE ${this.#s}.requests SET lease_expires_at = ${LEASE_UNTIL(1)}, heartbeat_at = $2
       WHERE id = $3 AND state = 'running' AND lease_token = $4`,
      [ttlMs, at.toISOString(), id, token],
    );
    return changed === 1;
  }

  async takeOver(id: string, runner: string, ttlMs: number, at: Date): Promise<LeasedRequest | undefined> {
    const [row] = await this.#db.query(
      `UPDATE ${this.#s}.requests SET runner = $1, lease_token = COALESCE(lease_token, 0) + 1,
       lease_expires_at = ${LEASE_UNTIL(2)}, heartbeat_at = $3, changed_at = clock_timestamp(), version = version + 1
       WHERE id = $4 AND state = 'running' AND (lease_expires_at IS NULL OR lease_expires_at <= clock_timestamp())
       RETURNING ${REQUEST_COLUMNS}`,
      [runner, ttlMs, at.toISOString(), id],
    );
    return leased(row);
  }

  async finish(
    id: string,
    token: number,
    to: 'succeeded' | 'failed',
    outcome: Record<string, unknown>,
    at: Date,
  ): Promise<StoredRequest | undefined> {
    const [row] = await this.#db.query(
      `UPDATE ${this.#s}.requests SET state = $1, outcome = $2, updated_at = $3, changed_at = clock_timestamp(),
       version = version + 1, lease_expires_at = NULL WHERE id = $4 AND state = 'running' AND lease_token = $5
       RETURNING ${REQUEST_COLUMNS}`,
      [to, JSON.stringify(outcome), at.toISOString(), id, token],
    );
    return row ? requestFromRow(row) : undefined;
  }

  async recordLate(id: string, outcome: Record<string, unknown>, at: Date): Promise<StoredRequest | undefined> {
    const [row] = await this.#db.query(
      `UPDATE ${this.#s}.requests SET late_outcome = $1, updated_at = $2, version = version + 1
       WHERE id = $3 AND late_outcome IS NULL RETURNING ${REQUEST_COLUMNS}`,
      [JSON.stringify(outcome), at.toISOString(), id],
    );
    return row ? requestFromRow(row) : undefined;
  }
}

function leased(row: Record<string, unknown> | undefined): LeasedRequest | undefined {
  if (!row) return undefined;
  const request = requestFromRow(row);
  return { request, token: request.leaseToken ?? 0 };
}
