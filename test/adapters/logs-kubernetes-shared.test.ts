import { randomBytes } from 'node:crypto';
import { AppsV1Api, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ClusterClients } from '../../src/adapters/kubernetes/index.ts';
import { KubernetesLogSource, PodStreams } from '../../src/adapters/logs-kubernetes/index.ts';
import { parseLogLine } from '../../src/adapters/logs-kubernetes/log-line.ts';
import type { Logger } from '../../src/ports/logger.ts';
import type { LogEvent, LogQuery } from '../../src/ports/logs.ts';
import { type KubernetesEmulator, renderKubeconfig } from '../../src/sandbox/kubernetes/index.ts';
import { epochMs, pinnedClock, WEEKDAY } from '../helpers/clock.ts';
import { startEmulator } from '../sandbox/kubernetes-helpers.ts';

const clock = pinnedClock(WEEKDAY);
const now = () => clock.now().getTime();
const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

let k8s: KubernetesEmulator;
const unexpected: unknown[] = [];
const record = (error: unknown) => void unexpected.push(error);

beforeAll(async () => {
  k8s = await startEmulator({ now: epochMs(clock) });
  process.on('uncaughtException', record);
  process.on('unhandledRejection', record);
});
afterEach(() => expect(unexpected).toEqual([]));
afterAll(async () => {
  process.off('uncaughtException', record);
  process.off('unhandledRejection', record);
  await k8s.close();
});

function kubeconfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(renderKubeconfig([{ name: 'prod-cluster', server: k8s.url, token: k8s.token }]));
  return kc;
}

/** A source of its own, as each service (and its follows in any channel) has, on the process's streams. */
const sourceOn = (streams: PodStreams, namespace: string) =>
  new KubernetesLogSource({
    clients: new ClusterClients({ kubeconfig: kubeconfig(), contexts: { prod: 'prod-cluster' } }),
    namespace,
    selector: 'app=api',
    streams,
    pollMs: 50,
    clock,
    log: silent,
  });

const query = (since: number, grep?: string): LogQuery => ({
  target: { service: 'api', env: 'prod' },
  since: new Date(since),
  ...(grep ? { grep } : {}),
});

/** A follow running until stopped, with every line it was given. */
function start(source: KubernetesLogSource, q: LogQuery) {
  const abort = new AbortController();
  const events: LogEvent[] = [];
  const done = source.follow(q, abort.signal, (batch) => void events.push(...batch));
  return {
    events,
    stop: async () => {
      abort.abort();
      await done;
    },
  };
}

const seqOf = (e: LogEvent) => Number(/seq=(\d+)/.exec(e.message)?.[1]);
function byPod(events: LogEvent[]): Map<string, LogEvent[]> {
  const pods = new Map<string, LogEvent[]>();
  for (const e of events) pods.set(e.origin, [...(pods.get(e.origin) ?? []), e]);
  return pods;
}
const newest = (events: LogEvent[], pod: string) => Math.max(-1, ...events.filter((e) => e.origin === pod).map(seqOf));

/** Each pod's lines exactly as its whole log has them from `since`, matching `grep`: none lost, none twice. */
async function expectWholeLog(events: LogEvent[], namespace: string, since: number, grep = '') {
  expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
  for (const [pod, lines] of byPod(events)) {
    const res = await fetch(`${k8s.url}/api/v1/namespaces/${namespace}/pods/${pod}/log?timestamps=true`, {
      headers: { authorization: `Bearer ${k8s.token}` },
    });
    const raw = (await res.text())
      .split('\n')
      .map((l) => parseLogLine(l))
      .filter((l) => l !== undefined && l.stamp.ms >= since && l.text.includes(grep))
      .map((l) => l!.text);
    expect({ pod, lines: lines.map((e) => e.message) }).toEqual({ pod, lines: raw.slice(0, lines.length) });
  }
}

const podLogReads = (namespace: string) =>
  k8s.requests.filter((r) => r.path.startsWith(`/api/v1/namespaces/${namespace}/pods/`) && r.path.endsWith('/log'));
const streamsOf = (namespace: string) => podLogReads(namespace).filter((r) => r.query.includes('follow=true'));

const waitFor = (check: () => void) => vi.waitFor(check, { timeout: 10_000, interval: 20 });

describe('follows of the same pods', () => {
  it('share one stream per pod; a later follow catches up from its since, and one stop leaves the other', async () => {
    const ns = `t-${randomBytes(4).toString('hex')}`;
    k8s.seedDeployment({ namespace: ns, name: 'api', image: 'ghcr.io/acme/api:v1', replicas: 2 });
    const pods = k8s.getPods(ns, 'api').map((p) => p.metadata.name);
    const streams = new PodStreams();
    const sinceA = now() - 1_000;
    const sinceB = now() - 2_000;
    const a = start(sourceOn(streams, ns), query(sinceA));
    await waitFor(() => expect(pods.map((p) => newest(a.events, p) >= 20)).toEqual([true, true]));
    const b = start(sourceOn(streams, ns), query(sinceB));
    const joined = new Map(pods.map((p) => [p, newest(a.events, p)]));
    await waitFor(() => expect(pods.map((p) => newest(b.events, p) > joined.get(p)! + 20)).toEqual([true, true]));

    await a.stop();
    const afterStop = new Map(pods.map((p) => [p, newest(b.events, p)]));
    await waitFor(() => expect(pods.map((p) => newest(b.events, p) > afterStop.get(p)! + 10)).toEqual([true, true]));
    expect(streamsOf(ns).map((r) => [r.path, r.status])).toEqual(
      expect.arrayContaining(pods.map((p) => [`/api/v1/namespaces/${ns}/pods/${p}/log`, undefined])),
    );
    expect(streamsOf(ns)).toHaveLength(2);
    expect(streams.open).toBe(2);

    await b.stop();
    expect(streams.open).toBe(0);
    await waitFor(() => expect(streamsOf(ns).map((r) => r.status)).toEqual([200, 200]));
    // Besides the two streams, only the later follow's one read per pod of what came before it joined.
    expect(podLogReads(ns).filter((r) => !r.query.includes('follow=true'))).toHaveLength(2);
    await expectWholeLog(a.events, ns, sinceA);
    await expectWholeLog(b.events, ns, sinceB);
    for (const pod of pods) expect(newest(b.events, pod)).toBeGreaterThan(newest(a.events, pod));
  });

  it('filter each follow by its own grep on the shared stream', async () => {
    const ns = `t-${randomBytes(4).toString('hex')}`;
    k8s.seedDeployment({ namespace: ns, name: 'api', image: 'ghcr.io/acme/api:v1', replicas: 2 });
    const pods = k8s.getPods(ns, 'api').map((p) => p.metadata.name);
    const streams = new PodStreams();
    const since = now() - 1_000;
    const all = start(sourceOn(streams, ns), query(since));
    const health = start(sourceOn(streams, ns), query(since, 'path=/healthz'));
    await waitFor(() => expect(pods.map((p) => newest(health.events, p) >= 30)).toEqual([true, true]));
    await Promise.all([health.stop(), all.stop()]);

    expect(streamsOf(ns)).toHaveLength(2);
    expect(health.events.every((e) => e.message.includes('path=/healthz'))).toBe(true);
    expect(health.events.length).toBeLessThan(all.events.length);
    await expectWholeLog(health.events, ns, since, 'path=/healthz');
    await expectWholeLog(all.events, ns, since);
  });

  it('share the streams of the pods a rollout brings', async () => {
    const ns = `t-${randomBytes(4).toString('hex')}`;
    k8s.seedDeployment({ namespace: ns, name: 'api', image: 'ghcr.io/acme/api:v1', replicas: 2 });
    const streams = new PodStreams();
    const since = now();
    const follows = [start(sourceOn(streams, ns), query(since)), start(sourceOn(streams, ns), query(since))];
    await waitFor(() => expect(streamsOf(ns)).toHaveLength(2));
    await kubeconfig()
      .makeApiClient(AppsV1Api)
      .patchNamespacedDeployment(
        {
          namespace: ns,
          name: 'api',
          body: { spec: { template: { spec: { containers: [{ name: 'api', image: 'ghcr.io/acme/api:v2' }] } } } },
        },
        setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
      );
    const v2 = (events: LogEvent[]) => byPod(events.filter((e) => e.message.includes('version=v2')));
    await waitFor(() =>
      expect(follows.map((f) => [...v2(f.events).values()].filter((l) => l.length >= 10).length)).toEqual([2, 2]),
    );
    await Promise.all(follows.map((f) => f.stop()));

    const [first, second] = follows.map((f) => [...v2(f.events).keys()].sort());
    expect(second).toEqual(first);
    for (const pod of first!) {
      expect(streamsOf(ns).filter((r) => r.path === `/api/v1/namespaces/${ns}/pods/${pod}/log`)).toHaveLength(1);
    }
    expect(streams.open).toBe(0);
    for (const f of follows) await expectWholeLog([...v2(f.events).values()].flat(), ns, since);
  });
});
