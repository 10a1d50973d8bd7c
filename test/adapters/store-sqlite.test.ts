import { mkdtemp, rm, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { SqliteStore, StoreOpenError } from '../../src/adapters/store-sqlite/sqlite-store.ts';
import { MIGRATIONS } from '../../src/adapters/store-sqlite/migrations.ts';
import { describeStoreConformance } from './store-conformance.ts';

describeStoreConformance('sqlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'opsdeck-store-'));
  const path = join(dir, 'opsdeck.db');
  const store = SqliteStore.open(path);
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

describe('SqliteStore.open', () => {
  it('names the path when the store cannot be opened', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'opsdeck-store-'));
    const blocker = join(dir, 'not-a-dir');
    await writeFile(blocker, 'x');
    expect(() => SqliteStore.open(join(blocker, 'opsdeck.db'))).toThrow(StoreOpenError);
    expect(() => SqliteStore.open(join(blocker, 'opsdeck.db'))).toThrow(join(blocker, 'opsdeck.db'));
    await chmod(dir, 0o700);
    await rm(dir, { recursive: true, force: true });
  });

  it('applies migrations once and keeps data across reopen', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'opsdeck-store-'));
    const path = join(dir, 'opsdeck.db');
    const first = SqliteStore.open(path);
    await first.appendAudit({ actor: 'U1', action: 'a', target: {}, requestId: 'r', details: {} }, new Date());
    await first.close();
    const again = SqliteStore.open(path);
    expect(await again.queryAudit({ limit: 5 })).toHaveLength(1);
    const db = new DatabaseSync(path);
    expect(db.prepare('SELECT count(*) AS n FROM schema_migrations').get()).toEqual({ n: MIGRATIONS.length });
    expect(db.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
    db.close();
    await again.close();
    await rm(dir, { recursive: true, force: true });
  });
});
