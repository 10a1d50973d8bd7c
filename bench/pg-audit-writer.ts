// One writer process of the PostgreSQL audit bench: `pg-audit-writer.ts <DATABASE_URL> <writer> <count>`.
// It opens the store, says it is ready, waits for "go" on stdin, appends `count` entries one after another
// (as a replica's commands do) and prints how long they took.
import { PostgresStore } from '../src/adapters/store-postgres/postgres-store.ts';
import { systemClock } from '../src/ports/clock.ts';

const [url, writer, count] = process.argv.slice(2);
const store = await PostgresStore.open(url!, systemClock);
process.stdout.write('ready\n');
await new Promise((go) => process.stdin.once('data', go));
// A reading stdin would keep this process alive after its last append.
process.stdin.destroy();
const started = performance.now();
for (let i = 0; i < Number(count); i++) {
  const entry = {
    actor: 'U0BOB',
    action: 'command.accepted',
    target: { service: 'api', env: 'prod' },
    requestId: `${writer}_${i}`,
    details: { command: '/deploy', text: `/deploy api prod v1.${i}`, channel: 'C0DEPLOYS', roles: ['sre'] },
  };
  await store.appendAudit(entry, new Date());
}
process.stdout.write(`${JSON.stringify({ ms: performance.now() - started })}\n`);
await store.close();
