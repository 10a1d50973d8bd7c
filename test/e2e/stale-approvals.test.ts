import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBackends, type Backends } from '../helpers/backends.ts';
import { exampleConfigText, startHarness, textOf, type Harness } from '../helpers/harness.ts';
import { click, hasButtons, nextEphemeral, requestIdOf, requestIn, settled } from '../helpers/requests.ts';

let world: Backends;
let h: Harness;

const imageOf = () => world.clusters.prod.getDeployment('api', 'api')?.spec.template.spec.containers[0]?.image;

/** Changes prod's api Deployment the way someone with kubectl would, outside opsdeck. */
async function patchOutsideOpsdeck(spec: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${world.clusters.prod.url}/apis/apps/v1/namespaces/api/deployments/api`, {
    method: 'PATCH',
    headers: {
      'content-type': 'application/strategic-merge-patch+json',
      authorization: `Bearer ${world.clusters.prod.token}`,
    },
    body: JSON.stringify({ spec }),
  });
  if (!res.ok) throw new Error(`patch failed: ${res.status} ${await res.text()}`);
  await world.clusters.prod.waitForRollout('api', 'api');
}

const setImageOutsideOpsdeck = (image: string) =>
  patchOutsideOpsdeck({ template: { spec: { containers: [{ name: 'api', image }] } } });

async function pendingRequest(user: string, text: string, command = '/deploy', title = 'Deploy api to prod') {
  const seen = new Set(h.slack.messages({ channel: 'C0DEPLOYS' }).map((m) => m.ts));
  await h.slack.sendSlashCommand({ user, channel: 'C0DEPLOYS', command, text });
  return h.slack.waitFor(() => {
    const m = requestIn(h.slack, title);
    return m && !seen.has(m.ts) && hasButtons(m) ? m : undefined;
  });
}

async function auditActions(requestId: string): Promise<string[]> {
  const store = h.openStore();
  try {
    return (await store.queryAudit({ limit: 1000 }))
      .filter((r) => r.requestId === requestId)
      .map((r) => r.action)
      .reverse();
  } finally {
    await store.close();
  }
}

beforeEach(async () => {
  world = await startBackends();
  const config = (await exampleConfigText())
    .replace('tag: sha', 'tag: ref')
    .replace('members: [U0BOB, "@sre-oncall"]', 'members: [U0BOB, U0ERIN, "@sre-oncall"]');
  h = await startHarness({ backends: world, configText: config });
});
afterEach(async () => {
  await h?.stop();
  await world?.close();
});

describe('approving a request planned against something that no longer runs', () => {
  it('refuses when prod changed outside opsdeck, marks the request superseded and changes nothing', async () => {
    const old = await pendingRequest('U0ALICE', 'api prod v1.0.0');
    await setImageOutsideOpsdeck('ghcr.io/acme/api:v1.2.0');
    const refused = await nextEphemeral(h, 'U0BOB', () => click(h, 'U0BOB', old, 'approve'));
    expect(refused.text).toContain('planned against ghcr.io/acme/api:v1.1.0');
    expect(refused.text).toContain('running now: ghcr.io/acme/api:v1.2.0');
    const done = await settled(h, old);
    expect(done.text).toContain(':fast_forward:');
    expect(hasButtons(done)).toBe(false);
    expect(imageOf()).toBe('ghcr.io/acme/api:v1.2.0');
    expect(await auditActions(requestIdOf(done))).toEqual(['deploy.requested', 'request.superseded']);
  });

  it('supersedes an older pending deploy when a newer one is requested, so it can never be approved', async () => {
    const old = await pendingRequest('U0ALICE', 'api prod v1.0.0');
    const newer = await pendingRequest('U0DAVE', 'api prod v1.2.0');
    const done = await settled(h, old);
    expect(done.text).toContain(`Superseded by a newer request from <@U0DAVE> (\`${requestIdOf(newer)}\`)`);
    expect(hasButtons(done)).toBe(false);
    const late = await nextEphemeral(h, 'U0BOB', () => click(h, 'U0BOB', old, 'approve'));
    expect(late.text).toContain('already superseded');
    await click(h, 'U0BOB', newer, 'approve');
    expect(textOf(await settled(h, newer))).toContain(':white_check_mark:');
    expect(imageOf()).toBe('ghcr.io/acme/api:v1.2.0');
  });

  it('refuses a scale whose replica count changed since it was requested', async () => {
    const pending = await pendingRequest('U0BOB', 'api prod 6', '/scale', 'Scale api in prod');
    await patchOutsideOpsdeck({ replicas: 4 });
    const refused = await nextEphemeral(h, 'U0ERIN', () => click(h, 'U0ERIN', pending, 'approve'));
    expect(refused.text).toContain('planned against 3 replicas; running now: 4 replicas');
    expect((await settled(h, pending)).text).toContain(':fast_forward:');
    expect(world.clusters.prod.getDeployment('api', 'api')?.spec.replicas).toBe(4);
  });
});
