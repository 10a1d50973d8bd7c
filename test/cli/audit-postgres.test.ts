import { type AddressInfo, createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/adapters/store-postgres/postgres-store.ts';
import type { AuditRecord } from '../../src/core/audit-chain.ts';
import { PG_URL, testSchema } from '../adapters/postgres-fixture.ts';
import { opsdeck } from '../helpers/cli.ts';
import { ManualClock } from '../helpers/clock.ts';

const schema = testSchema();
const records: AuditRecord[] = [];

beforeAll(async () => {
  const clock = new ManualClock('2026-11-24T09:00:00Z');
  const store = await PostgresStore.open(schema.url(), clock);
  for (const [actor, service] of [
    ['U0ALICE', 'api'],
    ['U0BOB', undefined],
    ['U0CAROL', 'web'],
  ] as const) {
    const entry = { actor, action: 'command.accepted', target: { service }, requestId: `inv_${actor}`, details: {} };
    records.push(await store.appendAudit(entry, clock.now()));
    await clock.advance(60_000);
  }
  await store.close();
});
afterAll(async () => {
  await schema.drop();
});

describe('opsdeck audit on PostgreSQL', () => {
  it('verifies the chain and names the database and schema it read', async () => {
    const res = await opsdeck(['audit', 'verify'], { DATABASE_URL: schema.url() });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(`audit log intact: 3 entries verified; head #3 ${records[2]!.hash}`);
    expect(res.stdout).toContain(`(schema ${schema.name})`);
  });

  it('exports the records as they were written, oldest first', async () => {
    const res = await opsdeck(['audit', 'export'], { DATABASE_URL: schema.url() });
    expect(res.code).toBe(0);
    const lines = res.stdout.trim().split('\n');
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual(records);
  });

  it('fails naming the entry someone edited', async () => {
    const other = testSchema();
    const store = await PostgresStore.open(other.url(), new ManualClock('2026-11-24T09:00:00Z'));
    for (const r of records) await store.appendAudit(r, new Date(r.at));
    await store.close();
    await other.sql(`UPDATE audit SET details = '{"reason":"nothing to see"}' WHERE seq = 2`);
    const res = await opsdeck(['audit', 'verify'], { DATABASE_URL: other.url() });
    await other.drop();
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/audit log TAMPERED at entry #2: .*edited/);
  });

  it('refuses a schema that holds no store, and creates nothing', async () => {
    const empty = testSchema();
    const res = await opsdeck(['audit', 'verify', '--allow-empty'], { DATABASE_URL: empty.url() });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`(schema ${empty.name}) has no audit table, so it is not an opsdeck store`);
    const created = await empty.sql('SELECT nspname FROM pg_namespace WHERE nspname = $1', [empty.name]);
    expect(created).toEqual([]);
  });

  it('refuses, exit 2, when the database does not answer or the URL is wrong', async () => {
    const silent = createServer((socket) => socket.destroy());
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const { port } = silent.address() as AddressInfo;
    const down = await opsdeck(['audit', 'export'], { DATABASE_URL: `postgres://u:pw@127.0.0.1:${port}/x` });
    silent.close();
    expect(down.code).toBe(2);
    expect(down.stderr).toContain(
      `opsdeck audit export: cannot read the PostgreSQL store postgres://u@127.0.0.1:${port}/x`,
    );
    const wrong = await opsdeck(['audit', 'verify'], { DATABASE_URL: `${PG_URL}?sslmode=prefer` });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('sslmode=prefer is not supported');
  }, 60_000);
});
