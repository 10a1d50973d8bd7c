import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/adapters/store-postgres/postgres-store.ts';
import { MIGRATIONS } from '../../src/adapters/store-sqlite/migrations.ts';
import { SqliteStore } from '../../src/adapters/store-sqlite/sqlite-store.ts';
import { storeMigrate } from '../../src/cli/store-migrate.ts';
import { GENESIS_HASH, sealRecord } from '../../src/core/audit-chain.ts';
import type { Store } from '../../src/ports/store.ts';
import { testSchema } from '../adapters/postgres-fixture.ts';
import { opsdeck } from '../helpers/cli.ts';
import { ManualClock } from '../helpers/clock.ts';
import { startHarness } from '../helpers/harness.ts';

const clock = new ManualClock('2026-11-24T09:00:00Z');
const at = (minutes: number) => new Date(clock.now().getTime() + minutes * 60_000);
let dataDir: string;
const scratch: string[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'opsdeck-migrate-'));
  scratch.push(dir);
  return dir;
}

beforeAll(async () => {
  // An audit log the bot wrote handling real commands, then every other kind of row besides.
  const h = await startHarness();
  await h.run('U0ALICE', '/ops', 'help');
  await h.run('U0CAROL', '/ops', 'audit api prod');
  await h.run('U0BOB', '/ops', 'whoami');
  await h.bot.stop();
  dataDir = await tempDir();
  await cp(h.dataDir, dataDir, { recursive: true });
  await h.stop();
  const store = SqliteStore.open(join(dataDir, 'opsdeck.db'), clock);
  const base = { kind: 'deploy', service: 'api', requester: 'U0ALICE', channel: 'C1', params: { ref: 'v1 é ✓' } };
  await store.createRequest({ ...base, id: 'req_a', env: 'prod', hash: 'h1', createdAt: at(0), expiresAt: at(30) });
  await store.createRequest({ ...base, id: 'req_b', env: 'staging', hash: 'h2', createdAt: at(1) });
  await store.transitionRequest('req_a', ['pending'], 'approved', undefined, at(2));
  const run = await store.startRun('req_a', 'run_1', 60_000, at(3));
  await store.renewRun('req_a', run!.token, 60_000, at(4));
  await store.transitionRequest('req_b', ['pending'], 'failed', { outcome: { summary: 'no' } }, at(5));
  await store.setRequestMessage('req_a', { channel: 'C1', ts: '1.000100' });
  await store.addApproval({ requestId: 'req_a', approver: 'U0BOB', at: at(2) });
  await store.acquireLock({ service: 'web', env: 'prod', owner: 'U0BOB', reason: 'incident', createdAt: at(0) }, at(0));
  const tail = { service: 'api', env: 'prod', requester: 'U0ALICE', channel: 'C1', source: 'pods', runner: 'run_1' };
  const created = await store.createTail({ ...tail, id: 'tail_1', startedAt: at(0), until: at(10) }, 60_000);
  await store.endTail('tail_1', created.leaseToken, { state: 'ended', summary: '3 lines' }, at(9));
  await store.claimDelivery('slack:t1', at(0), at(-15));
  const review = { kind: 'deploy', service: 'api', env: 'prod', requester: 'U0BOB', reason: 'down', openedAt: at(0) };
  await store.createReview({ ...review, id: 'rev_1', requestId: 'req_a', dueAt: at(60) });
  const message = { channel: 'C1', ts: '2.000100' };
  await store.createReview({ ...review, id: 'rev_2', requestId: 'req_b', dueAt: at(60), message });
  await store.acknowledgeReview('rev_2', 'U0ERIN', at(5));
  await store.markReviewOverdue('rev_1', at(61));
  await store.claimReminder('req_a', at(15));
  // A storm summary with a group shown in it, and a group with its own message that has resolved.
  const alert = { kind: 'group', channel: 'C0INCIDENT', service: 'api', env: 'prod' } as const;
  await store.openAlertGroup({
    ...alert,
    id: 'alg_storm',
    kind: 'storm',
    key: 'storm:C0INCIDENT',
    content: {},
    createdAt: at(0),
  });
  await store.openAlertGroup({
    ...alert,
    id: 'alg_in_storm',
    key: 'generic:disk',
    content: { alerts: [{ name: 'DiskFull', note: 'é ✓' }] },
    summaryId: 'alg_storm',
    createdAt: at(1),
  });
  const { group } = await store.openAlertGroup({
    ...alert,
    id: 'alg_own',
    key: 'generic:cpu',
    content: {},
    createdAt: at(2),
  });
  await store.setAlertGroupMessage('alg_own', { channel: 'C0INCIDENT', ts: '3.000100' });
  await store.updateAlertGroup(
    'alg_own',
    group.version,
    { status: 'resolved', content: { n: 1 }, resolvedAt: at(4) },
    at(4),
  );
  await store.close();
});
afterAll(async () => {
  for (const dir of scratch) await rm(dir, { recursive: true, force: true });
});

async function contents(store: Store) {
  const requests = await store.listRequests({});
  return {
    requests,
    approvals: await Promise.all(requests.map((r) => store.listApprovals(r.id))),
    locks: await store.listLocks(at(1)),
    tails: await store.listTails({}),
    reviews: await Promise.all(['rev_1', 'rev_2'].map((id) => store.getReview(id))),
    alertGroups: await store.listAlertGroups({}),
  };
}

describe('opsdeck store migrate', () => {
  it('copies everything, and audit verify and export then give on PostgreSQL what they gave on SQLite', async () => {
    const schema = testSchema();
    const env = { DATABASE_URL: schema.url(), OPSDECK_DATA_DIR: dataDir };
    try {
      const res = await opsdeck(['store', 'migrate'], env);
      expect(res.stderr).toContain(`copying ${join(dataDir, 'opsdeck.db')} into postgres://`);
      expect(res.code).toBe(0);
      expect(res.stdout).toMatch(
        /copied 3 audit, 2 requests, 1 approvals, 1 locks, 1 tails, [1-9]\d* deliveries, 2 reviews, 1 reminders, /,
      );
      expect(res.stdout).toContain(', 1 reminders, 3 alert groups into postgres://');
      const sqliteVerify = await opsdeck(['audit', 'verify'], { OPSDECK_DATA_DIR: dataDir });
      const pgVerify = await opsdeck(['audit', 'verify'], { DATABASE_URL: schema.url() });
      expect(pgVerify.code).toBe(0);
      const head = /head #3 [0-9a-f]{64}/.exec(sqliteVerify.stdout)?.[0];
      expect(head).toBeDefined();
      expect(pgVerify.stdout).toContain(`audit log intact: 3 entries verified; ${head}`);
      expect(res.stdout).toContain(`audit log intact: 3 entries verified; ${head}`);
      const sqliteExport = await opsdeck(['audit', 'export'], { OPSDECK_DATA_DIR: dataDir });
      const pgExport = await opsdeck(['audit', 'export'], { DATABASE_URL: schema.url() });
      expect(pgExport.stdout).toBe(sqliteExport.stdout);

      const source = SqliteStore.open(join(dataDir, 'opsdeck.db'), clock);
      const target = await PostgresStore.open(schema.url(), clock);
      try {
        expect(await contents(target)).toEqual(await contents(source));
        expect((await target.getRequest('req_a'))?.params).toEqual({ ref: 'v1 é ✓' });
        expect(await target.claimDelivery('slack:t1', at(1), at(-14))).toBe(false);
        expect((await target.listOpenReviews()).map((r) => r.id)).toEqual(['rev_1']);
        expect(await target.claimReminder('req_a', at(16))).toBe(false);
        // The next notification of a copied group edits its message, rather than posting another.
        expect((await target.latestAlertGroup('generic:cpu'))?.message).toEqual({
          channel: 'C0INCIDENT',
          ts: '3.000100',
        });
        expect(await target.listAlertGroups({ summaryId: 'alg_storm' })).toHaveLength(1);
        const reopened = await target.openAlertGroup({ ...(await target.getAlertGroup('alg_in_storm'))!, id: 'x' });
        expect(reopened).toMatchObject({ created: false, group: { id: 'alg_in_storm' } });
        // The chain goes on from the copied head.
        const next = await target.appendAudit(
          { actor: 'U1', action: 'a', target: {}, requestId: 'r', details: {} },
          at(9),
        );
        expect(next.seq).toBe(4);
      } finally {
        await source.close();
        await target.close();
      }

      const again = await opsdeck(['store', 'migrate'], env);
      expect(again.code).toBe(2);
      expect(again.stderr).toMatch(/is not empty: it already holds 4 audit, 2 requests, .*Nothing was copied/);
      expect(await schema.sql('SELECT count(*)::int AS n FROM audit')).toEqual([{ n: 4 }]);
    } finally {
      await schema.drop();
    }
  }, 90_000);

  it('refuses without DATABASE_URL or without a source, creating nothing', async () => {
    const schema = testSchema();
    const nowhere = join(await tempDir(), 'nowhere');
    const noUrl = await opsdeck(['store', 'migrate'], { OPSDECK_DATA_DIR: dataDir });
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toContain('set DATABASE_URL to the PostgreSQL store to copy into');
    const noSource = await opsdeck(['store', 'migrate'], { OPSDECK_DATA_DIR: nowhere, DATABASE_URL: schema.url() });
    expect(noSource.code).toBe(2);
    expect(noSource.stderr).toContain(`no store at ${join(nowhere, 'opsdeck.db')}`);
    expect(await schema.sql('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema.name])).toEqual([]);
  }, 60_000);

  it('reads a store left by an older opsdeck without changing it, and shows progress on a large one', async () => {
    const dir = await tempDir();
    const path = join(dir, 'opsdeck.db');
    const old = new DatabaseSync(path);
    old.exec(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
    );
    for (const m of MIGRATIONS.filter((m) => m.version <= 4)) {
      old.exec(m.sql);
      old.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(m.version, m.name, '2026-11-01T00:00:00.000Z');
    }
    const insert = old.prepare('INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    let prev = { seq: 0, hash: GENESIS_HASH };
    old.exec('BEGIN');
    for (let i = 0; i < 2500; i++) {
      const r = sealRecord(prev, { actor: 'U1', action: 'a', target: {}, requestId: `r${i}`, details: { i } }, at(i));
      insert.run(
        r.seq,
        r.at,
        r.actor,
        r.action,
        null,
        null,
        r.requestId,
        JSON.stringify(r.details),
        r.prevHash,
        r.hash,
      );
      prev = r;
    }
    old.exec('COMMIT');
    old.close();
    const schema = testSchema();
    const out: string[] = [];
    const err: string[] = [];
    try {
      const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
      const code = await storeMigrate(io, { dataDir: dir, databaseUrl: schema.url() }, clock, { progressEvery: 1000 });
      expect(code).toBe(0);
      expect(err.filter((l) => l.includes('audit:'))).toEqual([
        '  audit: 1000 of 2500',
        '  audit: 2000 of 2500',
        '  audit: 2500 of 2500',
      ]);
      expect(out.at(-1)).toBe(`audit log intact: 2500 entries verified; head #2500 ${prev.hash}`);
      const source = new DatabaseSync(path, { readOnly: true });
      expect(source.prepare('SELECT max(version) AS v FROM schema_migrations').get()).toEqual({ v: 4 });
      source.close();
    } finally {
      await schema.drop();
    }
  });
});
