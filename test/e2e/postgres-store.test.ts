import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/adapters/store-postgres/postgres-store.ts';
import { verifyChain } from '../../src/core/audit-chain.ts';
import { testSchema } from '../adapters/postgres-fixture.ts';
import { startBackends, type Backends } from '../helpers/backends.ts';
import { startHarness, teamConfigText, type Harness } from '../helpers/harness.ts';
import { click, hasButtons, requestIdOf, requestIn, settled } from '../helpers/requests.ts';

// The bot with DATABASE_URL: every request, approval, claim and audit entry goes to PostgreSQL.
const schema = testSchema();
let world: Backends;
let h: Harness;
let store: PostgresStore;

beforeAll(async () => {
  world = await startBackends();
  h = await startHarness({ backends: world, configText: await teamConfigText(), databaseUrl: schema.url() });
  store = await PostgresStore.open(schema.url(), h.clock);
});
afterAll(async () => {
  await store?.close();
  await h?.stop();
  await world?.close();
  await schema.drop();
});

describe('opsdeck on the PostgreSQL store', () => {
  it('runs an approved change once, records it there and nowhere else, and its audit chain verifies', async () => {
    await h.slack.sendSlashCommand({
      user: 'U0ALICE',
      channel: 'C0DEPLOYS',
      command: '/deploy',
      text: 'api prod v1.2.0',
    });
    const msg = await h.slack.waitFor(() => {
      const m = requestIn(h.slack, 'Deploy api to prod');
      return m && hasButtons(m) ? m : undefined;
    });
    const id = requestIdOf(msg);
    expect(await store.getRequest(id)).toMatchObject({ state: 'pending', service: 'api', env: 'prod' });
    // Two SREs click at once: one approval is enough, and the change runs once.
    await Promise.all([click(h, 'U0BOB', msg, 'approve'), click(h, 'U0ERIN', msg, 'approve')]);
    const done = await settled(h, msg);
    expect(done.text).toContain(':white_check_mark:');
    expect(world.clusters.prod.getDeployment('api', 'api')?.spec.template.spec.containers[0]?.image).toBe(
      'ghcr.io/acme/api:v1.2.0',
    );
    expect(await store.getRequest(id)).toMatchObject({ state: 'succeeded' });
    const actions = (await store.queryAudit({ limit: 100 })).filter((r) => r.requestId === id).map((r) => r.action);
    expect(actions.filter((a) => a === 'deploy.started')).toHaveLength(1);
    expect(actions).toContain('deploy.succeeded');
    expect(await verifyChain(store.readAudit())).toMatchObject({ ok: true });
    expect(existsSync(join(h.dataDir, 'opsdeck.db'))).toBe(false);
  });
});
