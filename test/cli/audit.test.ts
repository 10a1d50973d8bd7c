import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/adapters/store-sqlite/migrations.ts';
import { systemClock } from '../../src/ports/clock.ts';
import { SqliteStore } from '../../src/adapters/store-sqlite/sqlite-store.ts';
import { opsdeck } from '../helpers/cli.ts';
import { startHarness } from '../helpers/harness.ts';

let dataDir: string;

beforeAll(async () => {
  // A real log, written by the running bot handling real commands.
  const h = await startHarness();
  await h.run('U0ALICE', '/ops', 'help');
  await h.run('U0CAROL', '/ops', 'audit api prod');
  await h.run('U0BOB', '/ops', 'whoami');
  await h.run('U0BOB', '/ops', 'audit');
  dataDir = await mkdtemp(join(tmpdir(), 'opsdeck-audit-cli-'));
  await h.bot.stop();
  await cp(h.dataDir, dataDir, { recursive: true });
  await h.stop();
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function copyOfLog(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'opsdeck-audit-copy-'));
  await cp(dataDir, dir, { recursive: true });
  return dir;
}

describe('opsdeck audit verify', () => {
  it('passes on an untouched log', async () => {
    const res = await opsdeck(['audit', 'verify'], { OPSDECK_DATA_DIR: dataDir });
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/audit log intact: 4 entries verified; head #4 [0-9a-f]{64}/);
  });

  it.each([
    ['an edited actor', `UPDATE audit SET actor = 'U0MALLORY' WHERE seq = 2`, 'entry #2', /edited/],
    ['a deleted entry', 'DELETE FROM audit WHERE seq = 3', 'entry #3', /missing/],
    [
      'an edited detail',
      `UPDATE audit SET details = '{"reason":"nothing to see"}' WHERE seq = 2`,
      'entry #2',
      /edited/,
    ],
  ])('fails naming the entry after %s', async (_label, sql, entry, problem) => {
    const dir = await copyOfLog();
    const db = new DatabaseSync(join(dir, 'opsdeck.db'));
    db.exec(sql);
    db.close();
    const res = await opsdeck(['audit', 'verify'], { OPSDECK_DATA_DIR: dir });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`audit log TAMPERED at ${entry}`);
    expect(res.stderr).toMatch(problem);
    await rm(dir, { recursive: true, force: true });
  });
});

describe('opsdeck audit verify never passes on the wrong file', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'opsdeck-audit-wrong-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('refuses a missing store, naming the path and the variables that choose it, and creates nothing', async () => {
    const nowhere = join(scratch, 'nowhere');
    const res = await opsdeck(['audit', 'verify'], { OPSDECK_DATA_DIR: nowhere });
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain(`no store at ${join(nowhere, 'opsdeck.db')}`);
    expect(res.stderr).toContain('OPSDECK_DATA_DIR (here');
    expect(res.stderr).toContain('DATABASE_URL');
    expect(existsSync(nowhere)).toBe(false);
  });

  it('fails on the sandbox folder with a hint to its data folder, and passes there', async () => {
    const sandbox = join(scratch, '.opsdeck', 'sandbox');
    await mkdir(sandbox, { recursive: true });
    await writeFile(join(sandbox, 'kubeconfig'), 'apiVersion: v1\n');
    await cp(dataDir, join(sandbox, 'data'), { recursive: true });
    const wrong = await opsdeck(['audit', 'verify'], { OPSDECK_DATA_DIR: sandbox });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain(
      `The sandbox keeps its store in ${join(sandbox, 'data')}: OPSDECK_DATA_DIR=${join(sandbox, 'data')}`,
    );
    expect((await readdir(sandbox)).sort()).toEqual(['data', 'kubeconfig']);
    const right = await opsdeck(['audit', 'verify'], { OPSDECK_DATA_DIR: join(sandbox, 'data') });
    expect(right.code).toBe(0);
    expect(right.stdout).toContain(`4 entries verified; head #4`);
    expect(right.stdout).toContain(join(sandbox, 'data', 'opsdeck.db'));
  });

  it('fails on an empty log unless --allow-empty', async () => {
    const dir = join(scratch, 'empty');
    await SqliteStore.open(join(dir, 'opsdeck.db'), systemClock).close();
    const res = await opsdeck(['audit', 'verify'], { OPSDECK_DATA_DIR: dir });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`audit log EMPTY: ${join(dir, 'opsdeck.db')} has no entries`);
    expect(res.stderr).toContain('--allow-empty');
    const allowed = await opsdeck(['audit', 'verify', '--allow-empty'], { OPSDECK_DATA_DIR: dir });
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain('audit log intact: 0 entries verified');
  });

  it('refuses a database that is not an opsdeck store, and leaves it as it was', async () => {
    const dir = join(scratch, 'other-db');
    await mkdir(dir);
    const other = new DatabaseSync(join(dir, 'opsdeck.db'));
    other.exec('CREATE TABLE notes (text TEXT)');
    other.close();
    const res = await opsdeck(['audit', 'verify', '--allow-empty'], { OPSDECK_DATA_DIR: dir });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('it has no audit table, so it is not an opsdeck store');
    const after = new DatabaseSync(join(dir, 'opsdeck.db'), { readOnly: true });
    expect(
      after
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .all()
        .map((r) => r.name),
    ).toEqual(['notes']);
    after.close();
  });

  it('opens the store read-only: an older store is read as it is, never migrated', async () => {
    const dir = join(scratch, 'old-schema');
    await mkdir(dir);
    const old = new DatabaseSync(join(dir, 'opsdeck.db'));
    old.exec(`CREATE TABLE schema_migrations
        (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);
      ${MIGRATIONS[0]!.sql}
      INSERT INTO schema_migrations VALUES (1, 'first', '2026-01-01T00:00:00.000Z');`);
    old.close();
    const res = await opsdeck(['audit', 'verify', '--allow-empty'], { OPSDECK_DATA_DIR: dir });
    expect(res.code).toBe(0);
    const after = new DatabaseSync(join(dir, 'opsdeck.db'), { readOnly: true });
    expect(
      after
        .prepare('SELECT version FROM schema_migrations')
        .all()
        .map((r) => r.version),
    ).toEqual([1]);
    after.close();
  });
});

describe('opsdeck audit export', () => {
  it('refuses a missing store and creates nothing', async () => {
    const nowhere = join(tmpdir(), `opsdeck-export-nowhere-${process.pid}`);
    const res = await opsdeck(['audit', 'export'], { OPSDECK_DATA_DIR: nowhere });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`opsdeck audit export: no store at ${join(nowhere, 'opsdeck.db')}`);
    expect(existsSync(nowhere)).toBe(false);
  });

  it('prints JSON lines, oldest first, with the chain fields', async () => {
    const res = await opsdeck(['audit', 'export', '--since', '7d', '--format', 'jsonl'], { OPSDECK_DATA_DIR: dataDir });
    expect(res.code).toBe(0);
    const records = res.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
    expect(records[1]).toMatchObject({
      actor: 'U0CAROL',
      action: 'command.denied',
      target: { service: 'api', env: 'prod' },
    });
    for (const r of records)
      expect(Object.keys(r).sort()).toEqual([
        'action',
        'actor',
        'at',
        'details',
        'hash',
        'prevHash',
        'requestId',
        'seq',
        'target',
      ]);
  });

  it('filters by --since and refuses unknown formats', async () => {
    const future = await opsdeck(['audit', 'export', '--since', '2099-01-01T00:00:00Z'], { OPSDECK_DATA_DIR: dataDir });
    expect(future.code).toBe(0);
    expect(future.stdout).toBe('');
    const csv = await opsdeck(['audit', 'export', '--format', 'csv'], { OPSDECK_DATA_DIR: dataDir });
    expect(csv.code).toBe(2);
    expect(csv.stderr).toContain('unsupported --format csv');
  });
});
