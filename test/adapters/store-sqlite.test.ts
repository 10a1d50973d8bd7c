import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/adapters/store-sqlite/sqlite-store.ts';
import { StoreOpenError } from '../../src/adapters/store-sqlite/store-open-error.ts';
import { MIGRATIONS } from '../../src/adapters/store-sqlite/migrations.ts';
import { makeDirectory } from '../../src/adapters/store-sqlite/make-directory.ts';
import { ManualClock } from '../helpers/clock.ts';
import { describeLeaseConformance } from './lease-conformance.ts';
import { describeStoreConformance } from './store-conformance.ts';

const clock = new ManualClock('2026-11-24T09:00:00Z');

describeStoreConformance('sqlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'opsdeck-store-'));
  const path = join(dir, 'opsdeck.db');
  const store = SqliteStore.open(path, clock);
  return {
    store,
    async tamper(sql) {
      const db = new DatabaseSync(path);
      db.exec(sql);
      db.close();
    },
    async cleanup() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

// One file on one host: its leases run on the clock the store was opened with.
describeLeaseConformance('sqlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'opsdeck-store-'));
  const own = new ManualClock('2026-11-24T09:00:00Z');
  const store = SqliteStore.open(join(dir, 'opsdeck.db'), own);
  return {
    store,
    pass: (ms) => own.advance(ms),
    async cleanup() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describe('SqliteStore.open', () => {
  it('names the path when the store cannot be opened', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'opsdeck-store-'));
    const blocker = join(dir, 'not-a-dir');
    await writeFile(blocker, 'x');
    expect(() => SqliteStore.open(join(blocker, 'opsdeck.db'), clock)).toThrow(StoreOpenError);
    expect(() => SqliteStore.open(join(blocker, 'opsdeck.db'), clock)).toThrow(join(blocker, 'opsdeck.db'));
    await chmod(dir, 0o700);
    await rm(dir, { recursive: true, force: true });
  });

  // Node's recursive mkdir retries forever there: the start hung at full CPU instead of failing.
  it.runIf(existsSync('/proc/self'))('fails at once under a folder that refuses new entries (/proc)', () => {
    expect(() => SqliteStore.open('/proc/opsdeck-data/opsdeck.db', clock)).toThrow(
      /cannot open the SQLite store at \/proc\/opsdeck-data\/opsdeck.db: ENOENT/,
    );
  });

  it('applies migrations once, stamped by its clock, and keeps data across reopen', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'opsdeck-store-'));
    const path = join(dir, 'opsdeck.db');
    const first = SqliteStore.open(path, clock);
    await first.appendAudit({ actor: 'U1', action: 'a', target: {}, requestId: 'r', details: {} }, clock.now());
    await first.close();
    const again = SqliteStore.open(path, new ManualClock('2026-12-01T00:00:00Z'));
    expect(await again.queryAudit({ limit: 5 })).toHaveLength(1);
    const db = new DatabaseSync(path);
    expect(
      db
        .prepare('SELECT count(*) AS n, min(applied_at) AS first, max(applied_at) AS last FROM schema_migrations')
        .get(),
    ).toEqual({ n: MIGRATIONS.length, first: '2026-11-24T09:00:00.000Z', last: '2026-11-24T09:00:00.000Z' });
    expect(db.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
    db.close();
    await again.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('moves tails kept as requests by older versions into their own table, closing the ones left running', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'opsdeck-store-'));
    const path = join(dir, 'opsdeck.db');
    const old = new DatabaseSync(path);
    old.exec(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
    );
    for (const m of MIGRATIONS.filter((m) => m.version <= 3)) {
      old.exec(m.sql);
      old.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(m.version, m.name, '2026-11-01T00:00:00.000Z');
    }
    const insert = old.prepare(
      `INSERT INTO requests (id, kind, service, env, requester, channel, params, hash, state, created_at,
       updated_at, outcome, message_channel, message_ts)
       VALUES (?, ?, 'api', 'prod', 'U0ALICE', 'C1', '{}', '', ?, ?, ?, ?, 'C1', ?)`,
    );
    insert.run('tail_live', 'tail', 'running', '2026-11-20T10:00:00.000Z', '2026-11-20T10:01:00.000Z', null, '1.1');
    insert.run(
      'tail_done',
      'tail',
      'cancelled',
      '2026-11-20T09:00:00.000Z',
      '2026-11-20T09:05:00.000Z',
      JSON.stringify({ by: 'U0BOB', summary: '3 lines shown' }),
      '1.2',
    );
    insert.run('req_1', 'deploy', 'succeeded', '2026-11-20T08:00:00.000Z', '2026-11-20T08:01:00.000Z', null, '1.3');
    old.close();
    const store = SqliteStore.open(path, clock);
    const tails = Object.fromEntries((await store.listTails({})).map((t) => [t.id, t]));
    expect(tails.tail_live).toMatchObject({ state: 'interrupted', message: { channel: 'C1', ts: '1.1' } });
    expect(tails.tail_done).toMatchObject({ state: 'stopped', stoppedBy: 'U0BOB', summary: '3 lines shown' });
    expect((await store.listRequests({})).map((r) => r.id)).toEqual(['req_1']);
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps one of the running changes an older store let run side by side on one target', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'opsdeck-store-'));
    const path = join(dir, 'opsdeck.db');
    const old = new DatabaseSync(path);
    old.exec(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
    );
    for (const m of MIGRATIONS.filter((m) => m.version <= 4)) {
      old.exec(m.sql);
      old.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(m.version, m.name, '2026-11-01T00:00:00.000Z');
    }
    const insert = old.prepare(
      `INSERT INTO requests (id, kind, service, env, requester, channel, params, hash, state, created_at,
       updated_at, runner) VALUES (?, 'deploy', 'api', ?, 'U0ALICE', 'C1', '{}', '', 'running', ?, ?, ?)`,
    );
    insert.run('req_first', 'prod', '2026-11-20T10:00:00.000Z', '2026-11-20T10:00:01.000Z', null);
    insert.run('req_executing', 'prod', '2026-11-20T10:00:00.000Z', '2026-11-20T10:00:02.000Z', 'run_a');
    insert.run('req_later', 'prod', '2026-11-20T10:00:00.000Z', '2026-11-20T10:00:03.000Z', null);
    insert.run('req_staging', 'staging', '2026-11-20T10:00:00.000Z', '2026-11-20T10:00:04.000Z', null);
    old.close();
    const store = SqliteStore.open(path, clock);
    const states = Object.fromEntries((await store.listRequests({})).map((r) => [r.id, r.state]));
    expect(states).toEqual({
      req_first: 'failed',
      req_executing: 'running',
      req_later: 'failed',
      req_staging: 'running',
    });
    expect((await store.getRequest('req_first'))?.outcome?.summary).toMatch(/^Interrupted: another change/);
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
});

describe('makeDirectory', () => {
  it.each([
    { case: 'every missing level', path: 'a/b/c', error: undefined },
    { case: 'a folder that exists', path: '.', error: undefined },
    { case: 'a file in the way', path: 'a-file/b', error: 'ENOTDIR' },
  ])('$case', async ({ path, error }) => {
    const dir = await mkdtemp(join(tmpdir(), 'opsdeck-mkdir-'));
    await writeFile(join(dir, 'a-file'), 'x');
    try {
      if (error) expect(() => makeDirectory(join(dir, path))).toThrow(error);
      else {
        makeDirectory(join(dir, path));
        expect(statSync(join(dir, path)).isDirectory()).toBe(true);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
