import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { StoreOpenError } from '../../src/adapters/store-sqlite/store-open-error.ts';
import { openSqliteStore } from '../../src/adapters/store-sqlite/worker-store.ts';
import { TargetBusy } from '../../src/ports/store.ts';
import { ManualClock } from '../helpers/clock.ts';
import { describeLeaseConformance } from './lease-conformance.ts';
import { describeStoreConformance } from './store-conformance.ts';

// What the bot runs: the SQLite store on its own thread. It must keep every promise the store does.
const clock = new ManualClock('2026-11-24T09:00:00Z');

describeStoreConformance('sqlite on its own thread', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'opsdeck-store-'));
  const path = join(dir, 'opsdeck.db');
  const store = await openSqliteStore(path, clock);
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

// The thread judges leases by the caller's clock, passed with each call.
describeLeaseConformance('sqlite on its own thread', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'opsdeck-store-'));
  const own = new ManualClock('2026-11-24T09:00:00Z');
  const store = await openSqliteStore(join(dir, 'opsdeck.db'), own);
  return {
    store,
    pass: (ms) => own.advance(ms),
    async cleanup() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describe('the SQLite store thread', () => {
  it('names the path when the store cannot be opened', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'opsdeck-store-'));
    const blocker = join(dir, 'not-a-dir');
    await writeFile(blocker, 'x');
    const path = join(blocker, 'opsdeck.db');
    await expect(openSqliteStore(path, clock)).rejects.toThrow(StoreOpenError);
    await expect(openSqliteStore(path, clock)).rejects.toThrow(path);
    await rm(dir, { recursive: true, force: true });
  });

  it('throws the store errors callers tell apart, and reads a long audit log page by page', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'opsdeck-store-'));
    const store = await openSqliteStore(join(dir, 'opsdeck.db'), clock);
    try {
      const base = { service: 'api', env: 'prod', requester: 'U1', channel: 'C1', params: {}, hash: 'h' };
      for (const id of ['req_a', 'req_b']) {
        await store.createRequest({ ...base, id, kind: 'deploy', createdAt: clock.now() });
        await store.transitionRequest(id, ['pending'], 'approved', undefined, clock.now());
      }
      await store.startRun('req_a', 'run_1', 30_000, clock.now());
      const busy = await store.startRun('req_b', 'run_1', 30_000, clock.now()).catch((err: unknown) => err);
      expect(busy).toBeInstanceOf(TargetBusy);
      expect(busy).toMatchObject({ service: 'api', env: 'prod', runningId: 'req_a' });

      for (let i = 0; i < 1203; i++)
        await store.appendAudit({ actor: 'U1', action: 'x', target: {}, requestId: `r${i}`, details: {} }, clock.now());
      const seqs: number[] = [];
      for await (const r of store.readAudit(2)) seqs.push(r.seq);
      expect(seqs).toEqual(Array.from({ length: 1202 }, (_, i) => i + 2));
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fails every call once its thread is gone, so callers fail closed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'opsdeck-store-'));
    const store = await openSqliteStore(join(dir, 'opsdeck.db'), clock);
    await store.close();
    await expect(store.ping()).rejects.toThrow(/thread stopped/);
    await expect(
      store.appendAudit({ actor: 'U1', action: 'x', target: {}, requestId: 'r', details: {} }, clock.now()),
    ).rejects.toThrow(/thread stopped/);
    await rm(dir, { recursive: true, force: true });
  });
});
