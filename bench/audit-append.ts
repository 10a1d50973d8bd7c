import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { SqliteStore } from '../src/adapters/store-sqlite/sqlite-store.ts';
import { systemClock } from '../src/ports/clock.ts';
import { fmt, ratio } from './stats.ts';

const entry = (i: number) => ({
  actor: 'U0BOB',
  action: 'command.accepted',
  target: { service: 'api', env: 'prod' },
  requestId: `inv_${i}`,
  details: { command: '/deploy', text: `/deploy api prod v1.${i}`, channel: 'C0DEPLOYS', roles: ['sre'] },
});

/** Hash-chained audit append against a plain insert of the same row, same SQLite settings, one run. */
export async function auditAppend(n = 2000): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'opsdeck-bench-audit-'));
  const store = SqliteStore.open(join(dir, 'chain.db'), systemClock);
  const plain = new DatabaseSync(join(dir, 'plain.db'));
  plain.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;');
  plain.exec(
    'CREATE TABLE audit (seq INTEGER PRIMARY KEY, at TEXT, actor TEXT, action TEXT, service TEXT, env TEXT, ' +
      'request_id TEXT, details TEXT, prev_hash TEXT, hash TEXT)',
  );
  const insert = plain.prepare(
    'INSERT INTO audit (at, actor, action, service, env, request_id, details, prev_hash, hash) ' +
      'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );

  let chained = 0;
  let baseline = 0;
  for (let round = 0; round < 4; round++) {
    let t = performance.now();
    for (let i = 0; i < n / 4; i++) await store.appendAudit(entry(i), new Date());
    chained += performance.now() - t;
    t = performance.now();
    for (let i = 0; i < n / 4; i++) {
      const e = entry(i);
      insert.run(
        new Date().toISOString(),
        e.actor,
        e.action,
        e.target.service,
        e.target.env,
        e.requestId,
        JSON.stringify(e.details),
        '',
        '',
      );
    }
    baseline += performance.now() - t;
  }
  await store.close();
  plain.close();
  await rm(dir, { recursive: true, force: true });
  return [
    `audit append (${n} entries, WAL + synchronous=FULL on both)`,
    `  plain insert         ${fmt(baseline / n)} per entry`,
    `  hash-chained append  ${fmt(chained / n)} per entry`,
    `  ratio ${ratio(chained, baseline)}  (target <= 1.10x)`,
  ];
}
