import type { StatementSync } from 'node:sqlite';
import type { Clock } from '../../ports/clock.ts';
import {
  type LeasedRequest,
  type NewTail,
  type StoredRequest,
  type StoredTail,
  TargetBusy,
} from '../../ports/store.ts';
import { requestFromRow, tailFromRow } from '../store-rows.ts';

const SQLITE_CONSTRAINT_UNIQUE = 2067;
type Row = Record<string, unknown>;
type RequestTarget = { service: string; env: string };

/**
 * Leases in the SQLite store: runs, tails and named ones. The file lives on one host, so the store's
 * own clock judges expiry: every replica that could reach the file shares it. Times are ISO strings
 * of one length, so comparing them as text compares the instants.
 */
export class SqliteLeases {
  readonly #stmt: (sql: string) => StatementSync;
  readonly #clock: Clock;

  constructor(stmt: (sql: string) => StatementSync, clock: Clock) {
    this.#stmt = stmt;
    this.#clock = clock;
  }

  /** Now and `ttlMs` from now, by the store's clock. */
  #times(ttlMs = 0): { now: string; until: string } {
    const now = this.#clock.now().getTime();
    return { now: new Date(now).toISOString(), until: new Date(now + ttlMs).toISOString() };
  }

  /** The store's time now, to stamp a change of state with. */
  now(): string {
    return this.#times().now;
  }

  /** The store's time `ms` ago: requests unchanged since then have been idle that long. */
  idleSince(ms: number): string {
    return new Date(this.#clock.now().getTime() - ms).toISOString();
  }

  startRun(id: string, runner: string, ttlMs: number, at: Date): LeasedRequest | undefined {
    const { now, until } = this.#times(ttlMs);
    let row: Row | undefined;
    try {
      row = this.#stmt(
        `UPDATE requests SET state = 'running', runner = ?, lease_token = COALESCE(lease_token, 0) + 1,
         lease_expires_at = ?, heartbeat_at = ?, updated_at = ?, changed_at = ?, version = version + 1
         WHERE id = ? AND state = 'approved' RETURNING *`,
      ).get(runner, until, at.toISOString(), at.toISOString(), now, id) as Row | undefined;
    } catch (err) {
      // requests_one_running: only entering `running` can break it, so the row in the way is running now.
      if ((err as { errcode?: number }).errcode !== SQLITE_CONSTRAINT_UNIQUE) throw err;
      const request = this.#stmt('SELECT service, env FROM requests WHERE id = ?').get(id) as RequestTarget;
      const holder = this.#stmt("SELECT id FROM requests WHERE service = ? AND env = ? AND state = 'running'").get(
        request.service,
        request.env,
      ) as { id: string } | undefined;
      throw new TargetBusy(request, holder?.id ?? 'unknown');
    }
    return leased(row);
  }

  renewRun(id: string, token: number, ttlMs: number, at: Date): boolean {
    const { until } = this.#times(ttlMs);
    const result = this.#stmt(
      `UPDATE requests SET lease_expires_at = ?, heartbeat_at = ?
       WHERE id = ? AND state = 'running' AND lease_token = ?`,
    ).run(until, at.toISOString(), id, token);
    return Number(result.changes) === 1;
  }

  takeOverRun(id: string, runner: string, ttlMs: number, at: Date): LeasedRequest | undefined {
    const { now, until } = this.#times(ttlMs);
    const row = this.#stmt(
      `UPDATE requests SET runner = ?, lease_token = COALESCE(lease_token, 0) + 1, lease_expires_at = ?,
       heartbeat_at = ?, changed_at = ?, version = version + 1
       WHERE id = ? AND state = 'running' AND (lease_expires_at IS NULL OR lease_expires_at <= ?) RETURNING *`,
    ).get(runner, until, at.toISOString(), now, id, now) as Row | undefined;
    return leased(row);
  }

  finishRun(
    id: string,
    token: number,
    to: 'succeeded' | 'failed',
    outcome: Record<string, unknown>,
    at: Date,
  ): StoredRequest | undefined {
    const { now } = this.#times();
    const row = this.#stmt(
      `UPDATE requests SET state = ?, outcome = ?, updated_at = ?, changed_at = ?, version = version + 1,
       lease_expires_at = NULL WHERE id = ? AND state = 'running' AND lease_token = ? RETURNING *`,
    ).get(to, JSON.stringify(outcome), at.toISOString(), now, id, token) as Row | undefined;
    return row ? requestFromRow(row) : undefined;
  }

  recordLateOutcome(id: string, outcome: Record<string, unknown>, at: Date): StoredRequest | undefined {
    const row = this.#stmt(
      `UPDATE requests SET late_outcome = ?, updated_at = ?, version = version + 1
       WHERE id = ? AND late_outcome IS NULL RETURNING *`,
    ).get(JSON.stringify(outcome), at.toISOString(), id) as Row | undefined;
    return row ? requestFromRow(row) : undefined;
  }

  createTail(t: NewTail, ttlMs: number): void {
    const { until } = this.#times(ttlMs);
    this.#stmt(
      `INSERT INTO tails (id, service, env, requester, channel, source, runner, state, started_at, until, heartbeat_at,
       lease_token, lease_expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, ?, 1, ?)`,
    ).run(
      t.id,
      t.service,
      t.env,
      t.requester,
      t.channel,
      t.source,
      t.runner,
      t.startedAt.toISOString(),
      t.until.toISOString(),
      t.startedAt.toISOString(),
      until,
    );
  }

  renewTail(id: string, token: number, ttlMs: number, at: Date): StoredTail | undefined {
    const { until } = this.#times(ttlMs);
    const row = this.#stmt(
      `UPDATE tails SET lease_expires_at = ?, heartbeat_at = ?
       WHERE id = ? AND lease_token = ? AND state IN ('running', 'stopping') RETURNING *`,
    ).get(until, at.toISOString(), id, token) as Row | undefined;
    return row ? tailFromRow(row) : undefined;
  }

  takeOverTail(id: string, runner: string, ttlMs: number, at: Date): StoredTail | undefined {
    const { now, until } = this.#times(ttlMs);
    const row = this.#stmt(
      `UPDATE tails SET runner = ?, lease_token = lease_token + 1, lease_expires_at = ?, heartbeat_at = ?
       WHERE id = ? AND state IN ('running', 'stopping') AND lease_expires_at <= ? RETURNING *`,
    ).get(runner, until, at.toISOString(), id, now) as Row | undefined;
    return row ? tailFromRow(row) : undefined;
  }

  endTail(
    id: string,
    token: number,
    end: { state: 'stopped' | 'ended' | 'failed' | 'interrupted'; summary: string },
    at: Date,
  ): StoredTail | undefined {
    const row = this.#stmt(
      `UPDATE tails SET state = ?, summary = ?, ended_at = ?
       WHERE id = ? AND lease_token = ? AND state IN ('running', 'stopping') RETURNING *`,
    ).get(end.state, end.summary, at.toISOString(), id, token) as Row | undefined;
    return row ? tailFromRow(row) : undefined;
  }

  acquireLease(name: string, holder: string, ttlMs: number): number | undefined {
    const { now, until } = this.#times(ttlMs);
    const row = this.#stmt(
      `INSERT INTO leases (name, holder, token, expires_at) VALUES (?, ?, 1, ?)
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, token = leases.token + 1,
       expires_at = excluded.expires_at WHERE leases.holder IS NULL OR leases.expires_at <= ? RETURNING token`,
    ).get(name, holder, until, now) as { token: number } | undefined;
    return row ? Number(row.token) : undefined;
  }

  renewLease(name: string, token: number, ttlMs: number): boolean {
    const { until } = this.#times(ttlMs);
    const result = this.#stmt(
      'UPDATE leases SET expires_at = ? WHERE name = ? AND token = ? AND holder IS NOT NULL',
    ).run(until, name, token);
    return Number(result.changes) === 1;
  }

  releaseLease(name: string, token: number): void {
    const { now } = this.#times();
    this.#stmt('UPDATE leases SET holder = NULL, expires_at = ? WHERE name = ? AND token = ?').run(now, name, token);
  }
}

function leased(row: Row | undefined): LeasedRequest | undefined {
  if (!row) return undefined;
  const request = requestFromRow(row);
  return { request, token: request.leaseToken ?? 0 };
}
