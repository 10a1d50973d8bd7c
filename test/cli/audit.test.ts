import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
    ['an edited detail', `UPDATE audit SET details = '{"reason":"nothing to see"}' WHERE seq = 2`, 'entry #2', /edited/],
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

describe('opsdeck audit export', () => {
  it('prints JSON lines, oldest first, with the chain fields', async () => {
    const res = await opsdeck(['audit', 'export', '--since', '7d', '--format', 'jsonl'], { OPSDECK_DATA_DIR: dataDir });
    expect(res.code).toBe(0);
    const records = res.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
    expect(records[1]).toMatchObject({ actor: 'U0CAROL', action: 'command.denied', target: { service: 'api', env: 'prod' } });
    for (const r of records) expect(Object.keys(r).sort()).toEqual(['action', 'actor', 'at', 'details', 'hash', 'prevHash', 'requestId', 'seq', 'target']);
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
