import { afterEach, describe, expect, it } from 'vitest';
import { verifyChain } from '../../src/core/audit-chain.ts';
import type { StoredMessage } from '../../src/sandbox/slack/index.ts';
import { hasButtons, requestIdOf } from '../helpers/requests.ts';
import { ChannelWatch } from './channel-watch.ts';
import { type Cluster, serviceName, startCluster } from './cluster.ts';

const N = 50;
// No replica dies here: a lease long enough that a busy machine never lets one lapse under a live run.
const LEASE_MS = 5000;
let cluster: Cluster | undefined;

afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

const FINAL = /:white_check_mark:|:x:|:no_entry:|:hourglass:|:heavy_multiplication_x:|:fast_forward:/;

const click = (c: Cluster, user: string, message: StoredMessage, copies = 1) =>
  c.slack.sendBlockAction({
    user,
    channel: 'C0DEPLOYS',
    messageTs: message.ts,
    actionId: 'opsdeck.request.approve',
    value: requestIdOf(message),
    copies,
  });

/**
 * One change end to end, the way a busy team would stress it: the command delivered twice, then two SREs
 * approving at the same moment (each click reaching its own replica), one click delivered twice.
 */
async function deployAndApprove(
  c: Cluster,
  watch: ChannelWatch,
  i: number,
): Promise<{ ack: number; id: string; final: string }> {
  const service = serviceName(i);
  const sent = await c.slack.sendSlashCommand({
    user: 'U0ALICE',
    channel: 'C0DEPLOYS',
    command: '/deploy',
    text: `${service} prod v2.0.0`,
    copies: 2,
  });
  const title = `Deploy ${service} to prod`;
  const message = await watch.until(title, (m) => m.text.includes(title) && hasButtons(m));
  await Promise.all([click(c, 'U0BOB', message, 2), click(c, 'U0ERIN', message)]);
  const final = await watch.until(`${title} settled`, (m) => m.ts === message.ts && FINAL.test(m.text));
  return { ack: sent.status, id: requestIdOf(message), final: final.text };
}

/** What the cluster did and what the shared store and audit log say about it. */
async function expectEachRanOnce(c: Cluster, results: { ack: number; id: string; final: string }[]): Promise<void> {
  expect(results.map((r) => r.ack)).toEqual(Array(N).fill(200));
  expect(results.filter((r) => !r.final.includes(':white_check_mark:'))).toEqual([]);
  for (let i = 0; i < N; i++) {
    const name = serviceName(i);
    const d = c.k8s.getDeployment(name, name);
    expect(d?.spec.template.spec.containers[0]?.image).toBe(`ghcr.io/acme/${name}:v2.0.0`);
    // The seeded revision and exactly one rollout: a change run twice would leave a third.
    expect(c.k8s.getReplicaSets(name, name)).toHaveLength(2);
  }
  const requests = await c.store.listRequests({ env: 'prod' });
  expect(requests).toHaveLength(N);
  expect(new Set(requests.map((r) => r.service)).size).toBe(N);
  expect(requests.every((r) => r.state === 'succeeded')).toBe(true);
  const audit = await c.store.queryAudit({ limit: 10_000 });
  const started = audit.filter((r) => r.action === 'deploy.started').map((r) => r.requestId);
  expect(started.sort()).toEqual(results.map((r) => r.id).sort());
  expect(audit.filter((r) => r.action === 'command.accepted')).toHaveLength(N);
  expect(await verifyChain(c.store.readAudit())).toMatchObject({ ok: true });
}

describe('three replicas on one PostgreSQL and one Redis', () => {
  it(`over HTTP behind a round-robin balancer: ${N} requests, duplicate deliveries, racing approvals`, async () => {
    cluster = await startCluster({ replicas: 3, services: N, transport: 'http', leaseMs: LEASE_MS });
    const c = cluster;
    const watch = new ChannelWatch(c.slack, 'C0DEPLOYS');
    const results = await Promise.all(Array.from({ length: N }, (_, i) => deployAndApprove(c, watch, i)));
    await expectEachRanOnce(c, results);
    // Every replica did part of the work.
    for (const replica of c.replicas)
      expect(replica.logs.some((l) => l.includes('"msg":"command finished"'))).toBe(true);
  }, 180_000);

  it(`over Socket Mode, envelopes to a random connection: ${N} requests, duplicates and racing approvals`, async () => {
    cluster = await startCluster({ replicas: 3, services: N, transport: 'socket', leaseMs: LEASE_MS });
    const c = cluster;
    const watch = new ChannelWatch(c.slack, 'C0DEPLOYS');
    const results = await Promise.all(Array.from({ length: N }, (_, i) => deployAndApprove(c, watch, i)));
    await expectEachRanOnce(c, results);
  }, 180_000);
});
