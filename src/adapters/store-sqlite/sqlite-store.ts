import { dirname, resolve } from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { type AuditEntry, type AuditRecord, sealRecord } from '../../core/audit-chain.ts';
import { makeDirectory } from './make-directory.ts';
import type { Clock } from '../../ports/clock.ts';
import {
  type Approval,
  type AuditQuery,
  type LeasedRequest,
  type Lock,
  type NewRequest,
  type NewTail,
  type RequestFilter,
  type RequestState,
  type Store,
  type StoredRequest,
  type StoredTail,
  type TailState,
  refuseRunningMove,
} from '../../ports/store.ts';
import type { NewReview, StoredReview } from '../../ports/review-store.ts';
import { SqliteAlertGroups } from './alert-groups.ts';
import { SqliteLeases } from './leases.ts';
import { SqliteReviews } from './reviews.ts';
import { MIGRATIONS } from './migrations.ts';
import { approvalFromRow, auditFromRow, lockFromRow, requestFromRow, tailFromRow } from '../store-rows.ts';
import { StoreOpenError } from './store-open-error.ts';

/**
 * The embedded store on Node's built-in SQLite: one file, WAL for concurrent readers
 * (`opsdeck audit verify` while the bot runs), synchronous=FULL so an acknowledged audit
 * entry survives a power cut.
 */
export class SqliteStore extends SqliteAlertGroups implements Store {
  readonly path: string;
  readonly #db: DatabaseSync;
  readonly #statements = new Map<string, StatementSync>();
  readonly #leases: SqliteLeases;
  readonly #reviews: SqliteReviews;

  private constructor(path: string, db: DatabaseSync, clock: Clock) {
    super((sql) => this.#stmt(sql));
    this.path = path;
    this.#db = db;
    this.#leases = new SqliteLeases((sql) => this.#stmt(sql), clock);
    this.#reviews = new SqliteReviews((sql) => this.#stmt(sql));
  }

  /** `clock` stamps the migrations it applies and judges leases: the file has one host, and this is its clock. */
  static open(path: string, clock: Clock): SqliteStore {
    const full = path === ':memory:' ? path : resolve(path);
    let db: DatabaseSync | undefined;
    try {
      if (full !== ':memory:') makeDirectory(dirname(full));
      db = new DatabaseSync(full);
      db.exec(
        'PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;',
      );
      migrate(db, clock.now());
    } catch (err) {
      db?.close();
      throw new StoreOpenError(
        `cannot open the SQLite store at ${full}: ${(err as Error).message} ` +
          '(set OPSDECK_DATA_DIR to a writable directory, or DATABASE_URL for PostgreSQL)',
      );
    }
    return new SqliteStore(full, db, clock);
  }

  async ping(): Promise<void> {
    this.#stmt('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.#db.isOpen) this.#db.close();
  }

  async appendAudit(entry: AuditEntry, at: Date): Promise<AuditRecord> {
    return this.#transaction(() => {
      const last = this.#stmt('SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1').get() as
        | { seq: number; hash: string }
        | undefined;
      const record = sealRecord(last, entry, at);
      this.#stmt(`INSERT INTO audit (seq, at, actor, action, service, env, request_id, details, prev_hash, hash)
                  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
        record.seq,
        record.at,
        record.actor,
        record.action,
        record.target.service ?? null,
        record.target.env ?? null,
        record.requestId,
        JSON.stringify(record.details),
        record.prevHash,
        record.hash,
      );
      return record;
    });
  }

  async queryAudit(q: AuditQuery): Promise<AuditRecord[]> {
    const where: string[] = [];
    const params: SQLInputValue[] = [];
    const add = (clause: string, ...values: SQLInputValue[]) => {
      where.push(clause);
      params.push(...values);
    };
    if (q.service) add('service = ?', q.service);
    if (q.env) add('env = ?', q.env);
    if (q.actor) add('actor = ?', q.actor);
    if (q.since) add('at >= ?', q.since.toISOString());
    if (q.beforeSeq !== undefined) add('seq < ?', q.beforeSeq);
    const sql = `SELECT * FROM audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`;
    return this.#stmt(sql)
      .all(...params, q.limit)
      .map((r) => auditFromRow(r as Record<string, unknown>));
  }

  async *readAudit(fromSeq = 1): AsyncIterable<AuditRecord> {
    // Paged so no statement stays open across the consumer's awaits.
    let next = fromSeq;
    const page = this.#stmt('SELECT * FROM audit WHERE seq >= ? ORDER BY seq LIMIT 500');
    for (;;) {
      const rows = page.all(next) as Record<string, unknown>[];
      if (!rows.length) return;
      for (const row of rows) yield auditFromRow(row);
      next = Number(rows[rows.length - 1]!.seq) + 1;
    }
  }

  async createRequest(r: NewRequest): Promise<StoredRequest> {
    this.#stmt(`INSERT INTO requests (id, kind, service, env, requester, channel, params, hash, state, created_at,
                updated_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)`).run(
      r.id,
      r.kind,
      r.service,
      r.env,
      r.requester,
      r.channel,
      JSON.stringify(r.params),
      r.hash,
      r.createdAt.toISOString(),
      r.createdAt.toISOString(),
      r.expiresAt?.toISOString() ?? null,
    );
    return (await this.getRequest(r.id))!;
  }

  async getRequest(id: string): Promise<StoredRequest | undefined> {
    const row = this.#stmt('SELECT * FROM requests WHERE id = ?').get(id);
    return row ? requestFromRow(row as Record<string, unknown>) : undefined;
  }

  async transitionRequest(
    id: string,
    from: readonly RequestState[],
    to: RequestState,
    patch: { outcome?: Record<string, unknown> } | undefined,
    at: Date,
  ): Promise<StoredRequest | undefined> {
    refuseRunningMove(from, to);
    if (!from.length) return undefined;
    const update = this.#stmt(`UPDATE requests SET state = ?, updated_at = ?, changed_at = ?, version = version + 1,
                outcome = COALESCE(?, outcome) WHERE id = ? AND state IN (${from.map(() => '?').join(', ')})`);
    const outcome = patch?.outcome ? JSON.stringify(patch.outcome) : null;
    const result = update.run(to, at.toISOString(), this.#leases.now(), outcome, id, ...from);
    return Number(result.changes) === 1 ? this.getRequest(id) : undefined;
  }

  async startRun(id: string, runner: string, ttlMs: number, at: Date): Promise<LeasedRequest | undefined> {
    return this.#leases.startRun(id, runner, ttlMs, at);
  }

  async renewRun(id: string, token: number, ttlMs: number, at: Date): Promise<boolean> {
    return this.#leases.renewRun(id, token, ttlMs, at);
  }

  async takeOverRun(id: string, runner: string, ttlMs: number, at: Date): Promise<LeasedRequest | undefined> {
    return this.#leases.takeOverRun(id, runner, ttlMs, at);
  }

  async finishRun(
    id: string,
    token: number,
    to: 'succeeded' | 'failed',
    outcome: Record<string, unknown>,
    at: Date,
  ): Promise<StoredRequest | undefined> {
    return this.#leases.finishRun(id, token, to, outcome, at);
  }

  async recordLateOutcome(id: string, outcome: Record<string, unknown>, at: Date): Promise<StoredRequest | undefined> {
    return this.#leases.recordLateOutcome(id, outcome, at);
  }

  async setRequestMessage(id: string, message: { channel: string; ts: string }): Promise<void> {
    this.#stmt('UPDATE requests SET message_channel = ?, message_ts = ? WHERE id = ?').run(
      message.channel,
      message.ts,
      id,
    );
  }

  async listRequests(filter: RequestFilter): Promise<StoredRequest[]> {
    const where: string[] = [];
    const params: SQLInputValue[] = [];
    const among = (column: string, values: readonly string[] | undefined) => {
      if (!values?.length) return;
      where.push(`${column} IN (${values.map(() => '?').join(', ')})`);
      params.push(...values);
    };
    among('state', filter.states);
    among('kind', filter.kinds);
    among('service', filter.service === undefined ? undefined : [filter.service]);
    among('env', filter.env === undefined ? undefined : [filter.env]);
    if (filter.idleForMs !== undefined) {
      where.push('COALESCE(changed_at, updated_at) <= ?');
      params.push(this.#leases.idleSince(filter.idleForMs));
    }
    const order = filter.newestFirst ? 'created_at DESC, id DESC' : 'created_at, id';
    const limit = filter.limit === undefined ? '' : ' LIMIT ?';
    if (filter.limit !== undefined) params.push(filter.limit);
    const clauses = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const sql = `SELECT * FROM requests ${clauses} ORDER BY ${order}${limit}`;
    return this.#stmt(sql)
      .all(...params)
      .map((r) => requestFromRow(r as Record<string, unknown>));
  }

  async removeApproval(requestId: string, approver: string): Promise<void> {
    this.#stmt('DELETE FROM approvals WHERE request_id = ? AND approver = ?').run(requestId, approver);
  }

  async addApproval(a: Approval): Promise<boolean> {
    const result = this.#stmt(
      'INSERT INTO approvals (request_id, approver, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
    ).run(a.requestId, a.approver, a.at.toISOString());
    return Number(result.changes) === 1;
  }

  async listApprovals(requestId: string): Promise<Approval[]> {
    return this.#stmt('SELECT * FROM approvals WHERE request_id = ? ORDER BY at, approver')
      .all(requestId)
      .map((r) => approvalFromRow(r as Record<string, unknown>));
  }

  async createTail(t: NewTail, ttlMs: number): Promise<StoredTail> {
    this.#leases.createTail(t, ttlMs);
    return (await this.getTail(t.id))!;
  }

  async getTail(id: string): Promise<StoredTail | undefined> {
    const row = this.#stmt('SELECT * FROM tails WHERE id = ?').get(id);
    return row ? tailFromRow(row as Record<string, unknown>) : undefined;
  }

  async setTailMessage(id: string, message: { channel: string; ts: string }): Promise<void> {
    this.#stmt('UPDATE tails SET message_channel = ?, message_ts = ? WHERE id = ?').run(
      message.channel,
      message.ts,
      id,
    );
  }

  async renewTail(id: string, token: number, ttlMs: number, at: Date): Promise<StoredTail | undefined> {
    return this.#leases.renewTail(id, token, ttlMs, at);
  }

  async takeOverTail(id: string, runner: string, ttlMs: number, at: Date): Promise<StoredTail | undefined> {
    return this.#leases.takeOverTail(id, runner, ttlMs, at);
  }

  async requestTailStop(id: string, by: string): Promise<boolean> {
    const result = this.#stmt(
      "UPDATE tails SET state = 'stopping', stopped_by = ? WHERE id = ? AND state = 'running'",
    ).run(by, id);
    return Number(result.changes) === 1;
  }

  async endTail(
    id: string,
    token: number,
    end: { state: 'stopped' | 'ended' | 'failed' | 'interrupted'; summary: string },
    at: Date,
  ): Promise<StoredTail | undefined> {
    return this.#leases.endTail(id, token, end, at);
  }

  async listTails(filter: { states?: readonly TailState[] }): Promise<StoredTail[]> {
    const states = filter.states ?? [];
    const where = states.length ? `WHERE state IN (${states.map(() => '?').join(', ')})` : '';
    return this.#stmt(`SELECT * FROM tails ${where} ORDER BY started_at, id`)
      .all(...states)
      .map((r) => tailFromRow(r as Record<string, unknown>));
  }

  async claimDelivery(key: string, at: Date, forgetBefore: Date): Promise<boolean> {
    this.#stmt('DELETE FROM deliveries WHERE at < ?').run(forgetBefore.toISOString());
    const result = this.#stmt('INSERT INTO deliveries (key, at) VALUES (?, ?) ON CONFLICT DO NOTHING').run(
      key,
      at.toISOString(),
    );
    return Number(result.changes) === 1;
  }

  async acquireLease(name: string, holder: string, ttlMs: number): Promise<number | undefined> {
    return this.#leases.acquireLease(name, holder, ttlMs);
  }

  async renewLease(name: string, token: number, ttlMs: number): Promise<boolean> {
    return this.#leases.renewLease(name, token, ttlMs);
  }

  async releaseLease(name: string, token: number): Promise<void> {
    this.#leases.releaseLease(name, token);
  }

  async acquireLock(lock: Lock, now: Date): Promise<{ acquired: boolean; lock: Lock }> {
    return this.#transaction(() => {
      const held = this.#liveLock(lock.service, lock.env, now);
      if (held) return { acquired: false, lock: held };
      this.#stmt(`INSERT INTO locks (service, env, owner, reason, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)
                  ON CONFLICT (service, env) DO UPDATE SET owner = excluded.owner, reason = excluded.reason,
                  created_at = excluded.created_at, expires_at = excluded.expires_at`).run(
        lock.service,
        lock.env,
        lock.owner,
        lock.reason,
        lock.createdAt.toISOString(),
        lock.expiresAt?.toISOString() ?? null,
      );
      return { acquired: true, lock };
    });
  }

  async releaseLock(service: string, env: string): Promise<Lock | undefined> {
    const row = this.#stmt('DELETE FROM locks WHERE service = ? AND env = ? RETURNING *').get(service, env);
    return row ? lockFromRow(row as Record<string, unknown>) : undefined;
  }

  async getLock(service: string, env: string, now: Date): Promise<Lock | undefined> {
    return this.#liveLock(service, env, now);
  }

  async listLocks(now: Date): Promise<Lock[]> {
    return this.#stmt('SELECT * FROM locks WHERE expires_at IS NULL OR expires_at > ? ORDER BY service, env')
      .all(now.toISOString())
      .map((r) => lockFromRow(r as Record<string, unknown>));
  }

  createReview(review: NewReview): Promise<StoredReview> {
    return this.#reviews.createReview(review);
  }

  getReview(id: string): Promise<StoredReview | undefined> {
    return this.#reviews.getReview(id);
  }

  acknowledgeReview(id: string, by: string, at: Date): Promise<StoredReview | undefined> {
    return this.#reviews.acknowledgeReview(id, by, at);
  }

  markReviewOverdue(id: string, at: Date): Promise<StoredReview | undefined> {
    return this.#reviews.markReviewOverdue(id, at);
  }

  listOpenReviews(): Promise<StoredReview[]> {
    return this.#reviews.listOpenReviews();
  }

  claimReminder(requestId: string, at: Date): Promise<boolean> {
    return this.#reviews.claimReminder(requestId, at);
  }

  #liveLock(service: string, env: string, now: Date): Lock | undefined {
    const row = this.#stmt(
      'SELECT * FROM locks WHERE service = ? AND env = ? AND (expires_at IS NULL OR expires_at > ?)',
    ).get(service, env, now.toISOString());
    return row ? lockFromRow(row as Record<string, unknown>) : undefined;
  }

  /** Statements are compiled once and reused: compiling costs more than running most of them. */
  #stmt(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  /** BEGIN IMMEDIATE takes the write lock up front, so two writers never both read the same chain head. */
  #transaction<T>(work: () => T): T {
    this.#stmt('BEGIN IMMEDIATE').run();
    try {
      const result = work();
      this.#stmt('COMMIT').run();
      return result;
    } catch (err) {
      this.#stmt('ROLLBACK').run();
      throw err;
    }
  }
}

function migrate(db: DatabaseSync, at: Date): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations ' +
      '(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
  );
  const applied = new Set(
    db
      .prepare('SELECT version FROM schema_migrations')
      .all()
      .map((r) => Number((r as { version: number }).version)),
  );
  for (const m of MIGRATIONS) {
    if (applied.has(m.version)) continue;
    db.exec('BEGIN IMMEDIATE');
    try {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        at.toISOString(),
      );
      db.exec('COMMIT');
    } catch (err) {
      db.exec('ROLLBACK');
      throw err;
    }
  }
}
