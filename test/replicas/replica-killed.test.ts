import { afterEach, describe, expect, it } from 'vitest';
import { verifyChain } from '../../src/core/audit-chain.ts';
import { eventually } from '../helpers/eventually.ts';
import { hasButtons, requestIdOf } from '../helpers/requests.ts';
import { ChannelWatch } from './channel-watch.ts';
import { type Cluster, startCluster } from './cluster.ts';

let cluster: Cluster | undefined;

afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

describe('a replica killed in the middle of a rollout', () => {
  it('is survived: another replica reports the change in its thread, once, and the audit chain verifies', async () => {
    // Pods take seconds to become ready and deadlines run at real scale, so the rollout is still going
    // when its replica dies.
    cluster = await startCluster({ replicas: 3, services: 1, transport: 'http', podReadyMs: 3000, timeScale: 1 });
    const c = cluster;
    const watch = new ChannelWatch(c.slack, 'C0DEPLOYS');
    const asked = await c.slack.sendSlashCommand({
      user: 'U0ALICE',
      channel: 'C0DEPLOYS',
      command: '/deploy',
      text: 'svc01 prod v2.0.0',
    });
    expect(asked.status).toBe(200);
    const message = await watch.until('the request', (m) => m.text.includes('Deploy svc01 to prod') && hasButtons(m));
    const id = requestIdOf(message);

    // The approval reaches the second replica, which runs the change.
    const runner = c.replicas[1];
    c.slack.setBotUrl(c.urlOf(runner!));
    const approved = await c.slack.sendBlockAction({
      user: 'U0BOB',
      channel: 'C0DEPLOYS',
      messageTs: message.ts,
      actionId: 'opsdeck.request.approve',
      value: id,
    });
    expect(approved.status).toBe(200);
    c.slack.setBotUrl(c.botUrl!);
    await eventually(
      async () =>
        (await c.store.getRequest(id))?.state === 'running' && c.k8s.getReplicaSets('svc01', 'svc01').length > 1,
      'the rollout to start',
      15_000,
    );

    await runner!.kill();

    const report = await eventually(
      () => c.slack.messages({ channel: 'C0DEPLOYS', threadTs: message.ts }).find((m) => /Interrupted/.test(m.text)),
      'another replica to report the interrupted change in its thread',
      30_000,
    );
    expect(report.text).toContain('/ops status svc01 prod');
    const request = await c.store.getRequest(id);
    expect(request?.state).toBe('failed');
    const audit = (await c.store.queryAudit({ limit: 1000 })).filter((r) => r.requestId === id);
    expect(audit.filter((r) => r.action === 'deploy.started')).toHaveLength(1);
    expect(audit.filter((r) => r.action === 'deploy.interrupted')).toHaveLength(1);
    expect(await verifyChain(c.store.readAudit())).toMatchObject({ ok: true });
    // The balancer skips the dead replica: the others still answer.
    const status = await c.slack.sendSlashCommand({
      user: 'U0ALICE',
      channel: 'C0DEPLOYS',
      command: '/ops',
      text: 'status svc01 prod',
    });
    expect(status.status).toBe(200);
  }, 120_000);
});
