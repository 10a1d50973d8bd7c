import { afterEach, describe, expect, it } from 'vitest';
import { verifyChain } from '../../src/core/audit-chain.ts';
import type { StoredMessage } from '../../src/sandbox/slack/index.ts';
import { eventually } from '../helpers/eventually.ts';
import { textOf } from '../helpers/harness.ts';
import { hasButtons, requestIdOf } from '../helpers/requests.ts';
import { ChannelWatch } from './channel-watch.ts';
import { type Cluster, startCluster } from './cluster.ts';

let cluster: Cluster | undefined;

afterEach(async () => {
  for (const r of cluster?.replicas ?? []) r.resume();
  await cluster?.stop();
  cluster = undefined;
});

const thread = (c: Cluster, parent: StoredMessage) =>
  c.slack.messages({ channel: 'C0DEPLOYS', threadTs: parent.ts }).map(textOf);

describe('a replica paused in the middle of a change', () => {
  it('loses it to another replica, which reports it; resumed, it finishes and its outcome is kept beside', async () => {
    // Pods take seconds to become ready: long enough for the lease (600 ms) to run out while the rollout goes on.
    cluster = await startCluster({ replicas: 2, services: 1, transport: 'http', podReadyMs: 4000 });
    const c = cluster;
    const watch = new ChannelWatch(c.slack, 'C0DEPLOYS');
    await c.slack.sendSlashCommand({
      user: 'U0ALICE',
      channel: 'C0DEPLOYS',
      command: '/deploy',
      text: 'svc01 prod v2.0.0',
    });
    const message = await watch.until('the request', (m) => m.text.includes('Deploy svc01 to prod') && hasButtons(m));
    const id = requestIdOf(message);
    await c.slack.sendBlockAction({
      user: 'U0BOB',
      channel: 'C0DEPLOYS',
      messageTs: message.ts,
      actionId: 'opsdeck.request.approve',
      value: id,
    });
    const stored = (state: string) => async () => {
      const r = await c.store.getRequest(id);
      return r?.state === state && r;
    };
    const running = await eventually(stored('running'), 'the change to run', 30_000);
    // Paused once the change has begun (its start is in the audit log), not between taking it and beginning.
    await eventually(
      async () =>
        (await c.store.queryAudit({ limit: 100 })).some((r) => r.requestId === id && r.action === 'deploy.started'),
      'the change to begin',
      30_000,
    );
    const holder = c.replicas.find((r) => r.logs.some((l) => l.includes(`"runner":"${running.runner}"`)));
    const other = c.replicas.find((r) => r !== holder);
    expect(holder).toBeDefined();
    holder!.pause();

    const reported = await eventually(stored('failed'), 'another replica to report it', 30_000);
    expect(reported.runner).not.toBe(running.runner);
    expect(reported.leaseToken).toBeGreaterThan(running.leaseToken!);
    expect(other!.logs.some((l) => l.includes(`"runner":"${reported.runner}"`))).toBe(true);
    await c.slack.waitFor(
      () => thread(c, message).find((t) => t.includes('Interrupted: the replica running this stopped. Running now:')),
      { timeoutMs: 30_000 },
    );

    holder!.resume();
    const late = await eventually(
      async () => {
        const r = await c.store.getRequest(id);
        return r?.lateOutcome && r;
      },
      'the paused replica to finish',
      30_000,
    );
    expect(late).toMatchObject({ state: 'failed', lateOutcome: { ok: true } });
    await c.slack.waitFor(
      () =>
        thread(c, message).find((t) =>
          t.includes('This change succeeded after another opsdeck replica had taken it over'),
        ),
      { timeoutMs: 30_000 },
    );
    const actions = (await c.store.queryAudit({ limit: 100 }))
      .filter((r) => r.requestId === id)
      .map((r) => r.action)
      .reverse();
    // Started once, reported by the replica that took over, then finished by the one that started it.
    expect(actions.filter((a) => a.startsWith('deploy.') && a !== 'deploy.requested')).toEqual([
      'deploy.started',
      'deploy.interrupted',
      'deploy.finished-after-takeover',
    ]);
    expect(c.k8s.getDeployment('svc01', 'svc01')?.spec.template.spec.containers[0]?.image).toBe(
      'ghcr.io/acme/svc01:v2.0.0',
    );
    expect(await verifyChain(c.store.readAudit())).toMatchObject({ ok: true });
  }, 120_000);
});
