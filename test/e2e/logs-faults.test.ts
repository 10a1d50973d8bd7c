import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudWatchLogsEmulator } from '../../src/sandbox/cloudwatch/index.ts';
import { renderKubeconfig } from '../../src/sandbox/kubernetes/index.ts';
import { startBackends, type Backends } from '../helpers/backends.ts';
import { epochMs } from '../helpers/clock.ts';
import { startHarness, textOf, type Harness } from '../helpers/harness.ts';

const at = (iso: string) => Date.parse(iso);

let world: Backends;
// FilterLogEvents pages of at most 10 events, so a snapshot's page budget is reached with few events.
let cloudwatch: CloudWatchLogsEmulator;
// The staging cluster's API server is down: it answers every request with a 503 saying so.
let brokenCluster: Server;
let h: Harness;

beforeAll(async () => {
  world = await startBackends();
  cloudwatch = await CloudWatchLogsEmulator.start({ segmentSize: 10, now: epochMs(world.clock) });
  brokenCluster = createServer((_req, res) => {
    res.writeHead(503, { 'content-type': 'application/json' });
    const message = 'etcdserver: leader changed <!channel> password=hunter2hunter2';
    res.end(JSON.stringify({ kind: 'Status', status: 'Failure', message, code: 503 }));
  });
  await new Promise<void>((resolve) => brokenCluster.listen(0, '127.0.0.1', resolve));
  const kubeconfig = renderKubeconfig([
    {
      name: 'staging',
      server: `http://127.0.0.1:${(brokenCluster.address() as AddressInfo).port}`,
      token: 'staging-token',
    },
    ...world.clusters.prod.kubeconfigContexts({ contexts: ['prod'] }),
  ]);
  const tuning = { snapshotBudgetMs: 2_000, snapshotMaxPages: 5 };
  h = await startHarness({ backends: { ...world, cloudwatch, kubeconfig }, tuning });
});
afterAll(async () => {
  await h?.stop();
  await cloudwatch?.close();
  await new Promise((resolve) => brokenCluster?.close(resolve));
  await world?.close();
});

/** Sends /logs and waits for its answer, however long the source's retries take. */
async function logs(user: string, text: string) {
  // The answer, not the "working on it" notice a slow source brings first.
  const replies = () =>
    h.slack
      .messages({ visibleTo: user })
      .filter(
        (m) =>
          (m.source === 'response_url' || m.files?.length) &&
          !m.text.startsWith(':hourglass_flowing_sand: Working on it'),
      );
  const before = new Set(replies().map((m) => m.ts));
  await h.slack.sendSlashCommand({ user, channel: 'C0DEPLOYS', command: '/logs', text });
  return textOf(await h.slack.waitFor(() => replies().find((m) => !before.has(m.ts)), { timeoutMs: 30_000 }));
}

async function lastAudit(action: string) {
  const store = h.openStore();
  try {
    return (await store.queryAudit({ limit: 1000 }))
      .filter((r) => r.action === action)
      .sort((a, b) => a.seq - b.seq)
      .at(-1);
  } finally {
    await store.close();
  }
}

describe('/logs when the log source fails', () => {
  it('says CloudWatch could not be read and what it said, not "no log lines", and audits the failure', async () => {
    cloudwatch.put('/ecs/api-prod', 'task/1', [{ timestamp: at('2026-11-25T09:55:00Z'), message: 'hello' }]);
    const disarm = cloudwatch.injectFailure({ operation: 'FilterLogEvents', kind: 'unavailable', times: Infinity });
    let text: string;
    try {
      text = await logs('U0BOB', 'api prod --since 15m');
    } finally {
      disarm();
    }
    expect(text).not.toContain('No log lines');
    expect(text).toContain(
      'Could not read the logs from CloudWatch /ecs/api-prod (prod): ' +
        'CloudWatch FilterLogEvents on /ecs/api-prod failed: ServiceUnavailableException',
    );
    expect(text).toContain(
      'Nothing is known about the logs of *api* in *prod* from 2026-11-25 09:45 UTC to 2026-11-25 10:00 UTC',
    );
    expect(await lastAudit('command.failed')).toMatchObject({
      actor: 'U0BOB',
      details: { text: '/logs api prod --since 15m', error: expect.stringContaining('ServiceUnavailableException') },
    });
  });

  it('says pod logs could not be read when the cluster fails, with its answer redacted and escaped', async () => {
    const text = await logs('U0ALICE', 'web staging --source kubernetes');
    expect(text).toContain(
      'Could not read the logs from pods app=web in web (staging): Kubernetes context "staging": could not list pods',
    );
    expect(text).toContain('etcdserver: leader changed &lt;!channel&gt;');
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('hunter2hunter2');
    expect(text).toContain('Nothing is known about the logs of *web* in *staging*');
    const failed = await lastAudit('command.failed');
    expect(failed).toMatchObject({ actor: 'U0ALICE', details: { error: expect.stringContaining('HTTP 503') } });
    expect(JSON.stringify(failed)).not.toContain('hunter2hunter2');
  });
});

describe('/logs snapshots that leave lines out', () => {
  it('says older lines were left out by the line limit, and how to get them', async () => {
    const first = at('2026-11-25T09:50:00Z');
    cloudwatch.put(
      '/ecs/api-staging',
      'task/1',
      Array.from({ length: 8 }, (_, i) => ({ timestamp: first + i * 1000, message: `tick ${i}` })),
    );
    const text = await logs('U0ALICE', 'api staging --lines 3');
    expect(text).toContain('3 lines from CloudWatch /ecs/api-staging (staging)');
    expect(text).toContain('tick 7');
    expect(text).not.toContain('tick 4');
    expect(text).toContain(
      'Older lines were left out: these are the newest 3. For more, raise `--lines` (at most 2000)',
    );
    expect(text).not.toContain('not read');
  });

  it('says which lines were not read when the page budget ran out: those after the point reached', async () => {
    const first = at('2026-11-25T09:50:00Z');
    const jobs = Array.from({ length: 100 }, (_, i) => ({ timestamp: first + i * 100, message: `job ${i}` }));
    cloudwatch.put('/ecs/worker-prod', 'worker-1', jobs);
    const text = await logs('U0BOB', 'worker prod --lines 20');
    // Five pages of ten events: jobs 0 to 49 were read, the newest 20 of them shown.
    expect(text).toContain('20 lines from CloudWatch /ecs/worker-prod streams worker* (prod)');
    expect(text).toContain('job 49');
    expect(text).not.toContain('job 50');
    expect(text).toContain(
      ':warning: *Lines after 2026-11-25T09:50:04.900Z were not read*: ' +
        'reading stopped at its page budget (5 pages), so nothing is known about them.',
    );
    expect(text).toContain('start there with `--since 2026-11-25T09:50:04.900Z`, or narrow with `--grep`');
    expect(text).toContain('Older lines were left out: these are the newest 20 of those read.');
    expect(text).not.toContain('older ones left out');
  });
});
