// A separate process appending to one PostgreSQL store: `audit-appender.ts <DATABASE_URL> <writer> <count>`.
// Several run at once in store-postgres.test.ts; each prints the seqs it was given.
import { PostgresStore } from '../../src/adapters/store-postgres/postgres-store.ts';
import { ManualClock } from '../helpers/clock.ts';

const [url, writer, count] = process.argv.slice(2);
const clock = new ManualClock('2026-11-24T09:00:00Z');
const store = await PostgresStore.open(url!, clock);
const seqs = await Promise.all(
  Array.from({ length: Number(count) }, async (_, i) => {
    const entry = {
      actor: writer!,
      action: 'command.accepted',
      target: {},
      requestId: `${writer}_${i}`,
      details: { i },
    };
    return (await store.appendAudit(entry, new Date(clock.now().getTime() + i))).seq;
  }),
);
await store.close();
process.stdout.write(`${JSON.stringify(seqs)}\n`);
