import { execFile } from 'node:child_process';
import { type AddressInfo, connect, createServer } from 'node:net';
import { resolve } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/adapters/store-postgres/migrations.ts';
import { PostgresOpenError, PostgresStore } from '../../src/adapters/store-postgres/postgres-store.ts';
import { verifyChain } from '../../src/core/audit-chain.ts';
import { ManualClock } from '../helpers/clock.ts';
import { PG_URL, testSchema } from './postgres-fixture.ts';
import { describeLeaseConformance } from './lease-conformance.ts';
import { describeStoreConformance } from './store-conformance.ts';

const clock = new ManualClock('2026-11-24T09:00:00Z');

describeStoreConformance('postgres', async () => {
  const schema = testSchema();
  const store = await PostgresStore.open(schema.url(), clock);
  return {
    store,
    async tamper(sql) {
      await schema.sql(sql);
    },
    async cleanup() {
      await store.close();
      await schema.drop();
    },
  };
});

// Leases run on the server's clock: the only way to let time pass for them is to wait.
describeLeaseConformance('postgres', async () => {
  const schema = testSchema();
  const store = await PostgresStore.open(schema.url(), clock);
  return {
    store,
    pass: (ms) => new Promise((done) => setTimeout(done, ms)),
    async cleanup() {
      await store.close();
      await schema.drop();
    },
  };
});

const appender = resolve(import.meta.dirname, 'audit-appender.ts');

function run(args: string[]): Promise<string> {
  return new Promise((done, fail) => {
    execFile(process.execPath, ['--import', 'tsx', ...args], { timeout: 60_000 }, (err, stdout, stderr) =>
      err ? fail(new Error(`${err.message}\n${stderr}`)) : done(stdout),
    );
  });
}

describe('PostgresStore with several replicas', () => {
  it('applies each migration once when three replicas open a fresh schema together', async () => {
    const schema = testSchema();
    const counted = {
      version: 900,
      name: 'counts its runs',
      sql: 'CREATE TABLE runs (n int); INSERT INTO runs VALUES (1)',
    };
    const opened = await Promise.allSettled(
      [0, 1, 2].map(() => PostgresStore.open(schema.url(), clock, { migrations: [...MIGRATIONS, counted] })),
    );
    const stores = opened.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    try {
      expect(opened.filter((o) => o.status === 'rejected')).toEqual([]);
      expect(await schema.sql('SELECT count(*)::int AS n FROM runs')).toEqual([{ n: 1 }]);
      const applied = await schema.sql('SELECT version, applied_at FROM schema_migrations ORDER BY version');
      expect(applied.map((r) => r.version)).toEqual([...MIGRATIONS.map((m) => m.version), 900]);
      for (const r of applied) expect(r.applied_at).toEqual(clock.now());
      await Promise.all(stores.map((s) => s.ping()));
    } finally {
      await Promise.all(stores.map((s) => s.close()));
      await schema.drop();
    }
  });

  it('keeps one gapless chain when three processes append at once', async () => {
    const schema = testSchema();
    const store = await PostgresStore.open(schema.url(), clock);
    try {
      const outputs = await Promise.all(['W1', 'W2', 'W3'].map((w) => run([appender, schema.url(), w, '40'])));
      const seqs = outputs.flatMap((o) => JSON.parse(o) as number[]).sort((a, b) => a - b);
      expect(seqs).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
      expect(await verifyChain(store.readAudit())).toMatchObject({ ok: true, count: 120 });
      const writers = await schema.sql('SELECT actor, count(*)::int AS n FROM audit GROUP BY actor ORDER BY actor');
      expect(writers).toEqual([
        { actor: 'W1', n: 40 },
        { actor: 'W2', n: 40 },
        { actor: 'W3', n: 40 },
      ]);
      // Stamped by the database in turn, so time never goes back along the chain.
      const times = await schema.sql(
        'SELECT count(*)::int AS n FROM audit a JOIN audit b ON b.seq = a.seq + 1 WHERE b.at < a.at',
      );
      expect(times).toEqual([{ n: 0 }]);
    } finally {
      await store.close();
      await schema.drop();
    }
  });
});

describe('PostgresStore leases on the server clock', () => {
  const HOUR = 3_600_000;
  const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

  it('ignores the time a replica sends: a skewed clock can neither keep nor steal a lease', async () => {
    const schema = testSchema();
    const store = await PostgresStore.open(schema.url(), clock);
    try {
      await store.createRequest({
        id: 'req_skew',
        kind: 'deploy',
        service: 'api',
        env: 'prod',
        requester: 'U0ALICE',
        channel: 'C1',
        params: {},
        hash: 'h',
        createdAt: clock.now(),
      });
      await store.transitionRequest('req_skew', ['pending'], 'approved', undefined, clock.now());
      // The holder's clock runs an hour behind: by its reckoning its lease has barely started.
      const behind = new Date(clock.now().getTime() - HOUR);
      const held = await store.startRun('req_skew', 'run_slow', 300, behind);
      // A replica whose clock runs a day ahead thinks the lease long gone; the server does not.
      const ahead = new Date(clock.now().getTime() + 24 * HOUR);
      expect(await store.takeOverRun('req_skew', 'run_fast', 300, ahead)).toBeUndefined();
      const [{ now }] = (await schema.sql('SELECT clock_timestamp() AS now')) as [{ now: Date }];
      const row = await store.getRequest('req_skew');
      expect(row?.renewedAt).toEqual(behind);
      expect(row!.leaseExpiresAt!.getTime() - now.getTime()).toBeLessThanOrEqual(300);
      expect(row!.leaseExpiresAt!.getTime()).toBeGreaterThan(now.getTime() - 1000);
      await sleep(400);
      // Its renewal stamped an hour early does not bring the lease back either: the token was superseded.
      const taken = await store.takeOverRun('req_skew', 'run_fast', 300, ahead);
      expect(taken?.token).toBeGreaterThan(held!.token);
      expect(await store.renewRun('req_skew', held!.token, HOUR, behind)).toBe(false);
      expect(await store.finishRun('req_skew', held!.token, 'succeeded', { summary: 'x' }, ahead)).toBeUndefined();
    } finally {
      await store.close();
      await schema.drop();
    }
  });

  it('gives runs started before leases existed a lease ending a minute after their last heartbeat', async () => {
    const schema = testSchema();
    const first = await PostgresStore.open(schema.url(), clock, { migrations: MIGRATIONS.slice(0, 1) });
    await first.close();
    const beat = new Date('2026-11-24T08:59:00Z');
    await schema.sql(
      `INSERT INTO requests (id, kind, service, env, requester, channel, params, hash, state, created_at, updated_at,
       runner, heartbeat_at) VALUES ('req_old', 'deploy', 'api', 'prod', 'U1', 'C1', '{}', 'h', 'running', $1, $1,
       'run_old', $1)`,
      [beat],
    );
    const store = await PostgresStore.open(schema.url(), clock);
    try {
      expect(await store.getRequest('req_old')).toMatchObject({
        leaseToken: 1,
        leaseExpiresAt: new Date('2026-11-24T09:00:00Z'),
      });
    } finally {
      await store.close();
      await schema.drop();
    }
  });
});

describe('PostgresStore', () => {
  it('stamps audit entries with the database time, whatever time the replica passes', async () => {
    const schema = testSchema();
    const store = await PostgresStore.open(schema.url(), clock);
    try {
      const dbNow = async () => ((await schema.sql('SELECT clock_timestamp() AS t'))[0] as { t: Date }).t.getTime();
      const before = await dbNow();
      const skewed = [new Date('2000-01-01T00:00:00Z'), new Date('2100-01-01T00:00:00Z')];
      const records = [];
      for (const [i, at] of skewed.entries())
        records.push(
          await store.appendAudit({ actor: 'U1', action: 'x', target: {}, requestId: `r${i}`, details: {} }, at),
        );
      const after = await dbNow();
      const stamped = records.map((r) => Date.parse(r.at));
      for (const t of stamped) {
        expect(t).toBeGreaterThanOrEqual(before - 1);
        expect(t).toBeLessThanOrEqual(after);
      }
      expect(stamped[1]).toBeGreaterThanOrEqual(stamped[0]!);
      expect(await verifyChain(store.readAudit())).toMatchObject({ ok: true, count: 2 });
    } finally {
      await store.close();
      await schema.drop();
    }
  });

  it('fails an append that cannot take its turn within statement_timeout, and then carries on', async () => {
    const schema = testSchema();
    const store = await PostgresStore.open(schema.url({ statement_timeout: '300' }), clock);
    const holder = new pg.Client({ connectionString: PG_URL });
    await holder.connect();
    try {
      const entry = { actor: 'U1', action: 'a', target: {}, requestId: 'r', details: {} };
      await store.appendAudit(entry, clock.now());
      await holder.query('BEGIN');
      await holder.query(`SELECT seq FROM "${schema.name}".audit_head FOR UPDATE`);
      await expect(store.appendAudit(entry, clock.now())).rejects.toThrow(/statement timeout/);
      await holder.query('ROLLBACK');
      expect((await store.appendAudit(entry, clock.now())).seq).toBe(2);
      expect(await verifyChain(store.readAudit())).toMatchObject({ ok: true, count: 2 });
    } finally {
      await holder.end();
      await store.close();
      await schema.drop();
    }
  });

  it('continues the chain from its head row: deleting the newest entries leaves a gap the next one shows', async () => {
    const schema = testSchema();
    const store = await PostgresStore.open(schema.url(), clock);
    try {
      for (let i = 0; i < 3; i++)
        await store.appendAudit({ actor: 'U1', action: 'a', target: {}, requestId: `r${i}`, details: {} }, clock.now());
      await schema.sql('DELETE FROM audit WHERE seq = 3');
      await store.appendAudit({ actor: 'U1', action: 'a', target: {}, requestId: 'r4', details: {} }, clock.now());
      expect(await verifyChain(store.readAudit())).toMatchObject({ ok: false, seq: 3 });
    } finally {
      await store.close();
      await schema.drop();
    }
  });

  it('refuses to open, naming the server without its password, when nothing answers in connect_timeout', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const { port } = silent.address() as AddressInfo;
    try {
      const url = `postgres://opsdeck:s3cret@127.0.0.1:${port}/opsdeck?connect_timeout=1`;
      const opening = PostgresStore.open(url, clock);
      await expect(opening).rejects.toBeInstanceOf(PostgresOpenError);
      await expect(opening).rejects.toThrow(`postgres://opsdeck@127.0.0.1:${port}/opsdeck (schema public)`);
      await expect(opening).rejects.not.toThrow('s3cret');
    } finally {
      silent.close();
    }
  });
});

/** A TCP relay to PostgreSQL that can stop passing the client's bytes on: a network partition. */
async function partitionable() {
  let cut = false;
  const upstream = new URL(PG_URL);
  const server = createServer((client) => {
    const db = connect(Number(upstream.port || 5432), upstream.hostname);
    client.on('data', (chunk) => {
      if (!cut) db.write(chunk);
    });
    db.pipe(client);
    client.on('close', () => db.destroy());
    db.on('close', () => client.destroy());
    client.on('error', () => db.destroy());
    db.on('error', () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    cut: (on: boolean) => {
      cut = on;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('PostgresStore across a network partition', () => {
  it('gives up on a statement nobody answers, drops its connection, and works when the network does', async () => {
    const schema = testSchema();
    const relay = await partitionable();
    const url = new URL(schema.url({ statement_timeout: '200', pool_size: '1' }));
    url.port = String(relay.port);
    url.hostname = '127.0.0.1';
    const store = await PostgresStore.open(url.toString(), clock);
    try {
      await store.ping();
      relay.cut(true);
      await expect(store.ping()).rejects.toThrow('PostgreSQL did not answer within 5200 ms');
      relay.cut(false);
      await store.ping();
    } finally {
      await store.close();
      await relay.close();
      await schema.drop();
    }
  });
});
