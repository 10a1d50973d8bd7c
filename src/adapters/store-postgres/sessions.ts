import type {
  DeliveryStore,
  LeaseStore,
  Lock,
  LockStore,
  NewTail,
  StoredTail,
  TailState,
  TailStore,
} from '../../ports/store.ts';
import type { Db } from './db.ts';
import { lockFromRow, tailFromRow } from '../store-rows.ts';
import { LOCK_COLUMNS, TAIL_COLUMNS } from './columns.ts';
import { LEASE_UNTIL } from './runs.ts';

/**
 * Locks, live tails, named leases and Slack delivery claims: the parts of the PostgreSQL store outside
 * requests and audit. Leases run out by the server's `clock_timestamp()`, never by a replica's clock.
 */
export class PostgresSessions implements LockStore, TailStore, DeliveryStore, LeaseStore {
  protected readonly db: Db;
  /** The quoted schema every table is qualified with. */
  protected readonly s: string;

  constructor(db: Db, quotedSchema: string) {
    this.db = db;
    this.s = quotedSchema;
  }

  async acquireLock(lock: Lock, now: Date): Promise<{ acquired: boolean; lock: Lock }> {
    const values = [
      lock.service,
      lock.env,
      lock.owner,
      lock.reason,
      lock.createdAt.toISOString(),
      lock.expiresAt?.toISOString() ?? null,
      now.toISOString(),
    ];
    // One statement decides: it inserts, or replaces an expired lock; a live one stays and is reported.
    // The holder may release in between the two statements, so the pair is tried again.
    for (;;) {
      const taken = await this.db.count(
        `INSERT INTO ${this.s}.locks (${LOCK_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (service, env) DO UPDATE SET owner = EXCLUDED.owner, reason = EXCLUDED.reason,
         created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at
         WHERE locks.expires_at IS NOT NULL AND locks.expires_at <= $7`,
        values,
      );
      if (taken === 1) return { acquired: true, lock };
      const held = await this.getLock(lock.service, lock.env, now);
      if (held) return { acquired: false, lock: held };
    }
  }

  async releaseLock(service: string, env: string): Promise<Lock | undefined> {
    const [row] = await this.db.query(
      `DELETE FROM ${this.s}.locks WHERE service = $1 AND env = $2 RETURNING ${LOCK_COLUMNS}`,
      [service, env],
    );
    return row ? lockFromRow(row) : undefined;
  }

  async getLock(service: string, env: string, now: Date): Promise<Lock | undefined> {
    const [row] = await this.db.query(
      `SELECT ${LOCK_COLUMNS} FROM ${this.s}.locks
       WHERE service = $1 AND env = $2 AND (expires_at IS NULL OR expires_at > $3)`,
      [service, env, now.toISOString()],
    );
    return row ? lockFromRow(row) : undefined;
  }

  async listLocks(now: Date): Promise<Lock[]> {
    const rows = await this.db.query(
      `SELECT ${LOCK_COLUMNS} FROM ${this.s}.locks WHERE expires_at IS NULL OR expires_at > $1 ORDER BY service, env`,
      [now.toISOString()],
    );
    return rows.map(lockFromRow);
  }

  async createTail(t: NewTail, ttlMs: number): Promise<StoredTail> {
    const [row] = await this.db.query(
      `INSERT INTO ${this.s}.tails (id, service, env, requester, channel, source, runner, state, started_at, until,
       heartbeat_at, lease_token, lease_expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'running', $8, $9, $8, 1, ${LEASE_UNTIL(10)}) RETURNING ${TAIL_COLUMNS}`,
      [
        t.id,
        t.service,
        t.env,
        t.requester,
        t.channel,
        t.source,
        t.runner,
        t.startedAt.toISOString(),
        t.until.toISOString(),
        ttlMs,
      ],
    );
    return tailFromRow(row!);
  }

  async getTail(id: string): Promise<StoredTail | undefined> {
    const [row] = await this.db.query(`SELECT ${TAIL_COLUMNS} FROM ${this.s}.tails WHERE id = $1`, [id]);
    return row ? tailFromRow(row) : undefined;
  }

  async setTailMessage(id: string, message: { channel: string; ts: string }): Promise<void> {
    await this.db.query(`UPDATE ${this.s}.tails SET message_channel = $1, message_ts = $2 WHERE id = $3`, [
      message.channel,
      message.ts,
      id,
    ]);
  }

  async renewTail(id: string, token: number, ttlMs: number, at: Date): Promise<StoredTail | undefined> {
    const [row] = await this.db.query(
      `UPDATE ${this.s}.tails SET lease_expires_at = ${LEASE_UNTIL(1)}, heartbeat_at = $2 WHERE id = $3
       AND lease_token = $4 AND state IN ('running', 'stopping') RETURNING ${TAIL_COLUMNS}`,
      [ttlMs, at.toISOString(), id, token],
    );
    return row ? tailFromRow(row) : undefined;
  }

  async takeOverTail(id: string, runner: string, ttlMs: number, at: Date): Promise<StoredTail | undefined> {
    const [row] = await this.db.query(
      `UPDATE ${this.s}.tails SET runner = $1, lease_token = lease_token + 1, lease_expires_at = ${LEASE_UNTIL(2)},
       heartbeat_at = $3 WHERE id = $4 AND state IN ('running', 'stopping') AND lease_expires_at <= clock_timestamp()
       RETURNING ${TAIL_COLUMNS}`,
      [runner, ttlMs, at.toISOString(), id],
    );
    return row ? tailFromRow(row) : undefined;
  }

  async requestTailStop(id: string, by: string): Promise<boolean> {
    const changed = await this.db.count(
      `UPDATE ${this.s}.tails SET state = 'stopping', stopped_by = $1 WHERE id = $2 AND state = 'running'`,
      [by, id],
    );
    return changed === 1;
  }

  async endTail(
    id: string,
    token: number,
    end: { state: 'stopped' | 'ended' | 'failed' | 'interrupted'; summary: string },
    at: Date,
  ): Promise<StoredTail | undefined> {
    const [row] = await this.db.query(
      `UPDATE ${this.s}.tails SET state = $1, summary = $2, ended_at = $3
       WHERE id = $4 AND lease_token = $5 AND state IN ('running', 'stopping') RETURNING ${TAIL_COLUMNS}`,
      [end.state, end.summary, at.toISOString(), id, token],
    );
    return row ? tailFromRow(row) : undefined;
  }

  async listTails(filter: { states?: readonly TailState[] }): Promise<StoredTail[]> {
    const states = filter.states ?? [];
    const where = states.length ? 'WHERE state = ANY($1::text[])' : '';
    const rows = await this.db.query(
      `SELECT ${TAIL_COLUMNS} FROM ${this.s}.tails ${where} ORDER BY started_at, id`,
      states.length ? [states] : [],
    );
    return rows.map(tailFromRow);
  }

  async acquireLease(name: string, holder: string, ttlMs: number): Promise<number | undefined> {
    const [row] = await this.db.query(
      `INSERT INTO ${this.s}.leases (name, holder, token, expires_at) VALUES ($1, $2, 1, ${LEASE_UNTIL(3)})
       ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, token = leases.token + 1,
       expires_at = EXCLUDED.expires_at WHERE leases.holder IS NULL OR leases.expires_at <= clock_timestamp()
       RETURNING token`,
      [name, holder, ttlMs],
    );
    return row ? Number(row.token) : undefined;
  }

  async renewLease(name: string, token: number, ttlMs: number): Promise<boolean> {
    const changed = await this.db.count(
      `UPDATE ${this.s}.leases SET expires_at = ${LEASE_UNTIL(1)}
       WHERE name = $2 AND token = $3 AND holder IS NOT NULL`,
      [ttlMs, name, token],
    );
    return changed === 1;
  }

  async releaseLease(name: string, token: number): Promise<void> {
    await this.db.query(
      `UPDATE ${this.s}.leases SET holder = NULL, expires_at = clock_timestamp() WHERE name = $1 AND token = $2`,
      [name, token],
    );
  }

  async claimDelivery(key: string, at: Date, forgetBefore: Date): Promise<boolean> {
    // A claim older than the window counts as none (it is taken over); the rest of the old ones go.
    const [row] = await this.db.query(
      `WITH forgotten AS (DELETE FROM ${this.s}.deliveries WHERE at < $3 AND key <> $1)
       INSERT INTO ${this.s}.deliveries (key, at) VALUES ($1, $2)
       ON CONFLICT (key) DO UPDATE SET at = EXCLUDED.at WHERE deliveries.at < $3 RETURNING key`,
      [key, at.toISOString(), forgetBefore.toISOString()],
    );
    return row !== undefined;
  }
}
