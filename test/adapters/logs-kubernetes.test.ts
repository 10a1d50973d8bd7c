import { randomBytes } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppsV1Api, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ClusterClients } from '../../src/adapters/kubernetes/index.ts';
import { parseLogLine } from '../../src/adapters/logs-kubernetes/log-line.ts';
import { KubernetesLogSource, type KubernetesLogSourceOptions } from '../../src/adapters/logs-kubernetes/index.ts';
import { ResumePoint } from '../../src/adapters/logs-kubernetes/resume-point.ts';
import { BackendError, UserError } from '../../src/core/errors.ts';
import type { Logger } from '../../src/ports/logger.ts';
import type { LogEvent, LogQuery } from '../../src/ports/logs.ts';
import { type KubernetesEmulator, renderKubeconfig } from '../../src/sandbox/kubernetes/index.ts';
import { epochMs, pinnedClock, WEEKDAY } from '../helpers/clock.ts';
import { startEmulator } from '../sandbox/kubernetes-helpers.ts';

// The kubelet stamps log lines with the source's clock, as the cluster and the bot share real time.
const clock = pinnedClock(WEEKDAY);
const now = () => clock.now().getTime();

const IMAGE = 'ghcr.io/acme/api:v1';
const prod = { service: 'api', env: 'prod' };
const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

/** A namespace of its own for each test, so tests share one emulator without seeing each other. */
const freshNamespace = () => `t-${randomBytes(4).toString('hex')}`;

/** A kubeconfig whose server URL carries no token: the bearer token must travel in the Authorization header. */
function kubeconfigFor(server: string, token: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(renderKubeconfig([{ name: 'prod-cluster', server, token }]));
  return kc;
}

function sourceFor(
  k8s: KubernetesEmulator,
  namespace: string,
  extra: Partial<KubernetesLogSourceOptions> = {},
  server = k8s.url,
) {
  return new KubernetesLogSource({
    clients: new ClusterClients({ kubeconfig: kubeconfigFor(server, k8s.token), contexts: { prod: 'prod-cluster' } }),
    namespace,
    selector: 'app=api',
    pollMs: 50,
    clock,
    log: silent,
    ...extra,
  });
}

const query = (since: number, extra: Partial<LogQuery> = {}): LogQuery => ({
  target: prod,
  since: new Date(since),
  ...extra,
});

/** A pod's whole log as the API returns it, parsed: the reference the adapter is compared with. */
async function rawLog(k8s: KubernetesEmulator, namespace: string, pod: string, container = 'api') {
  const res = await fetch(
    `${k8s.url}/api/v1/namespaces/${namespace}/pods/${pod}/log?timestamps=true&container=${container}`,
    {
      headers: { authorization: `Bearer ${k8s.token}` },
    },
  );
  if (!res.ok) throw new Error(`reading the log of ${pod} answered ${res.status}`);
  const lines = (await res.text()).split('\n').filter((l) => l !== '');
  return lines.map((l) => ({ pod, ...parseLogLine(l)! }));
}

const seqOf = (e: LogEvent) => Number(/seq=(\d+)/.exec(e.message)?.[1]);

/** Each pod's lines, as seq numbers: complete and unrepeated means consecutive. */
function expectConsecutivePerPod(events: LogEvent[]) {
  const byPod = new Map<string, LogEvent[]>();
  for (const e of events) byPod.set(e.origin, [...(byPod.get(e.origin) ?? []), e]);
  for (const [pod, lines] of byPod) {
    const seqs = lines.map(seqOf);
    const first = seqs[0]!;
    expect({ pod, seqs }).toEqual({ pod, seqs: seqs.map((_, i) => first + i) });
  }
  return byPod;
}

describe('parsing and resuming pod log lines', () => {
  it('reads RFC 3339 prefixes with nanoseconds and offsets', () => {
    expect(parseLogLine('2026-03-01T10:00:00.123456789Z level=info msg=ok')).toEqual({
      stamp: { ms: Date.UTC(2026, 2, 1, 10, 0, 0, 123), ns: 456_789 },
      raw: '2026-03-01T10:00:00.123456789Z',
      text: 'level=info msg=ok',
    });
    expect(parseLogLine('2026-03-01T11:00:00.5+01:00 x')?.stamp).toEqual({
      ms: Date.UTC(2026, 2, 1, 10, 0, 0, 500),
      ns: 0,
    });
    expect(parseLogLine('2026-03-01T10:00:00Z ')?.text).toBe('');
    expect(parseLogLine('no timestamp here')).toBeUndefined();
  });

  it('skips on reconnect exactly the lines already seen, also identical ones in the same instant', () => {
    const line = (t: string, text: string) => parseLogLine(`2026-03-01T10:00:0${t}Z ${text}`)!;
    const resume = new ResumePoint();
    resume.reconnected();
    const first = [line('1.100', 'a'), line('1.200', 'b'), line('1.200', 'b')];
    expect(first.map((l) => resume.accept(l))).toEqual([true, true, true]);
    expect(new Date(resume.from(0)).toISOString()).toBe('2026-03-01T10:00:01.200Z');
    resume.reconnected();
    // The replay from the whole second: a and two b's were seen; a third b at that instant and c are new.
    const replay = [line('1.100', 'a'), line('1.200', 'b'), line('1.200', 'b'), line('1.200', 'b'), line('1.300', 'c')];
    expect(replay.map((l) => resume.accept(l))).toEqual([false, false, false, true, true]);
  });
});

describe('KubernetesLogSource snapshot', () => {
  let k8s: KubernetesEmulator;

  // The controller never ticks by itself here, so the seeded minute of logs stays as it is while tests compare.
  beforeAll(async () => {
    k8s = await startEmulator({ now: epochMs(clock), tickMs: 3_600_000 });
  });
  afterAll(() => k8s.close());

  it('merges the newest lines of all pods by time, reading each with sinceSeconds and tailLines', async () => {
    const ns = freshNamespace();
    k8s.seedDeployment({ namespace: ns, name: 'api', image: IMAGE, replicas: 3 });
    const pods = k8s.getPods(ns, 'api').map((p) => p.metadata.name);
    const since = now() - 30_000;

    const { events, olderLeftOut } = await sourceFor(k8s, ns).snapshot(query(since), 30);

    const all = (await Promise.all(pods.map((pod) => rawLog(k8s, ns, pod)))).flat().filter((l) => l.stamp.ms >= since);
    const newest = all.sort((a, b) => a.stamp.ms - b.stamp.ms).slice(-30);
    const key = (origin: string, timestamp: number, message: string) => `${timestamp} ${origin} ${message}`;
    expect(olderLeftOut).toBe(true);
    expect(events.map((e) => key(e.origin, e.timestamp, e.message)).sort()).toEqual(
      newest.map((l) => key(l.pod, l.stamp.ms, l.text)).sort(),
    );
    expect(events.map((e) => e.timestamp)).toEqual(events.map((e) => e.timestamp).sort((a, b) => a - b));
    expect(new Set(events.map((e) => e.origin))).toEqual(new Set(pods));
    expect(new Set(events.map((e) => e.id)).size).toBe(30);
    // The adapter's reads, not this test's reference reads (which send no tailLines).
    const reads = k8s.requests.filter(
      (r) => r.path.startsWith(`/api/v1/namespaces/${ns}/pods/`) && r.query.includes('tailLines'),
    );
    expect(reads).toHaveLength(3);
    for (const read of reads)
      expect(read.query).toMatch(/^\?container=api&timestamps=true&sinceSeconds=3[01]&tailLines=31$/);
  });

  it('returns every line of the range with nothing left out when they fit, and filters by substring', async () => {
    const ns = freshNamespace();
    k8s.seedDeployment({ namespace: ns, name: 'api', image: IMAGE, replicas: 2 });
    const pods = k8s.getPods(ns, 'api').map((p) => p.metadata.name);
    const since = now() - 20_000;
    const all = (await Promise.all(pods.map((pod) => rawLog(k8s, ns, pod)))).flat().filter((l) => l.stamp.ms >= since);

    const everything = await sourceFor(k8s, ns).snapshot(query(since), 5_000);
    expect(everything.olderLeftOut).toBe(false);
    expect(everything.events).toHaveLength(all.length);

    const errors = await sourceFor(k8s, ns).snapshot(query(since, { grep: 'level=error' }), 100);
    const expected = all.filter((l) => l.text.includes('level=error'));
    expect(expected.length).toBeGreaterThan(2);
    expect(errors).toEqual({ events: expect.any(Array), olderLeftOut: false });
    expect(errors.events.map((e) => e.message).sort()).toEqual(expected.map((l) => l.text).sort());
  });

  it('reads one pod with --pod, and lists the pods when it is not one of them', async () => {
    const ns = freshNamespace();
    k8s.seedDeployment({ namespace: ns, name: 'api', image: IMAGE, replicas: 3 });
    k8s.seedDeployment({ namespace: ns, name: 'billing', image: IMAGE, replicas: 1 });
    const pods = k8s.getPods(ns, 'api').map((p) => p.metadata.name);
    const source = sourceFor(k8s, ns);

    const one = await source.snapshot(query(now() - 60_000, { pod: pods[1] }), 20);
    expect(one.events).toHaveLength(20);
    expect(one.events.every((e) => e.origin === pods[1] && e.message.includes(`pod=${pods[1]}`))).toBe(true);

    // A pod of another service is as unknown as a typo: /logs api must not read billing's pods.
    const billing = k8s.getPods(ns, 'billing')[0]!.metadata.name;
    for (const pod of ['api-typo', billing]) {
      const error = await source.snapshot(query(now() - 60_000, { pod }), 20).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UserError);
      expect((error as Error).message).toBe(
        `No pod ${pod} matches app=api in namespace ${ns}. Its pods: ${[...pods].sort().join(', ')}.`,
      );
    }
  });

  it('says so when no pods match, and when the environment has no context', async () => {
    const source = sourceFor(k8s, freshNamespace());
    await expect(source.snapshot(query(now() - 60_000), 10)).rejects.toThrow(UserError);
    await expect(source.snapshot({ target: { service: 'api', env: 'qa' }, since: clock.now() }, 10)).rejects.toThrow(
      /environment "qa"/,
    );
    expect(source.describe(prod)).toMatch(/^pods app=api in t-\w+ \(prod\)$/);
  });

  it('rejects with a BackendError naming the context of an unreachable cluster, never an empty snapshot', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const error = await sourceFor(k8s, freshNamespace(), {}, `http://127.0.0.1:${port}`)
      .snapshot(query(Date.now() - 60_000), 10)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as Error).message).toMatch(
      new RegExp(
        /^Kubernetes context "prod-cluster": could not list pods app=api in t-\w+: /.source +
          /cannot reach the API server: .*ECONNREFUSED/.source,
      ),
    );
  });
});

describe('KubernetesLogSource on a running cluster', () => {
  let k8s: KubernetesEmulator;
  const servers: Server[] = [];
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
    await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
    await k8s.close();
  });

  async function follow(
    source: KubernetesLogSource,
    q: LogQuery,
    until: (events: LogEvent[]) => boolean,
    during?: () => Promise<void>,
  ) {
    const abort = new AbortController();
    const batches: LogEvent[][] = [];
    const following = source.follow(q, abort.signal, (events) => void batches.push(events));
    await during?.();
    await vi.waitFor(() => expect(until(batches.flat())).toBe(true), { timeout: 10_000, interval: 20 });
    abort.abort();
    await following;
    for (const batch of batches)
      expect(batch.map((e) => e.timestamp)).toEqual(batch.map((e) => e.timestamp).sort((a, b) => a - b));
    return batches.flat();
  }

  it('streams all pods, picks up a pod that appears, and closes every stream on abort', async () => {
    const ns = freshNamespace();
    k8s.seedDeployment({ namespace: ns, name: 'api', image: IMAGE, replicas: 2 });
    const before = new Set(k8s.getPods(ns, 'api').map((p) => p.metadata.name));
    const kc = kubeconfigFor(k8s.url, k8s.token);
    const scaleUp = async () => {
      await vi.waitFor(() =>
        expect(k8s.requests.filter((r) => r.path.startsWith(`/api/v1/namespaces/${ns}/pods/`))).toHaveLength(2),
      );
      await kc
        .makeApiClient(AppsV1Api)
        .patchNamespacedDeploymentScale(
          { namespace: ns, name: 'api', body: { spec: { replicas: 3 } } },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        );
    };
    const newPodLines = (events: LogEvent[]) => events.filter((e) => !before.has(e.origin)).length;

    const events = await follow(sourceFor(k8s, ns), query(now()), (e) => newPodLines(e) >= 10, scaleUp);

    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    const byPod = expectConsecutivePerPod(events);
    expect(byPod.size).toBe(3);
    const [added] = [...byPod].find(([pod]) => !before.has(pod))!;
    // The new pod is followed from its first line on.
    expect(seqOf(byPod.get(added)![0]!)).toBe(0);
    const follows = k8s.requests.filter(
      (r) => r.path.startsWith(`/api/v1/namespaces/${ns}/pods/`) && r.query.includes('follow=true'),
    );
    expect(follows).toHaveLength(3);
    await vi.waitFor(() => expect(follows.every((r) => r.status === 200)).toBe(true));
  });

  it('rejects a follow the cluster refuses, naming the context', async () => {
    const ns = freshNamespace();
    k8s.seedDeployment({ namespace: ns, name: 'api', image: IMAGE, replicas: 1 });
    const source = new KubernetesLogSource({
      clients: new ClusterClients({
        kubeconfig: kubeconfigFor(k8s.url, 'wrong-token'),
        contexts: { prod: 'prod-cluster' },
      }),
      namespace: ns,
      selector: 'app=api',
      clock,
      log: silent,
    });
    const following = source.follow(query(now()), new AbortController().signal, () => {});
    await expect(following).rejects.toThrow(
      /^Kubernetes context "prod-cluster": could not list pods app=api in t-\w+: [\s\S]*\(HTTP 401\)$/,
    );
  });

  it('reads the first container of a multi-container pod and says which, unless one was chosen', async () => {
    const ns = freshNamespace();
    k8s.seedDeployment({ namespace: ns, name: 'seed', image: IMAGE, replicas: 0 });
    const containers = ['api', 'proxy'].map((name) => ({ name, image: IMAGE }));
    const labels = { app: 'api' };
    await kubeconfigFor(k8s.url, k8s.token)
      .makeApiClient(AppsV1Api)
      .createNamespacedDeployment({
        namespace: ns,
        body: {
          metadata: { name: 'api', labels },
          spec: {
            replicas: 1,
            selector: { matchLabels: labels },
            template: { metadata: { labels }, spec: { containers } },
          },
        },
      });
    const pod = await vi.waitFor(() => {
      const running = k8s.getPods(ns, 'api').find((p) => p.status.phase === 'Running');
      expect(running).toBeDefined();
      return running!.metadata.name;
    });
    const since = now() - 60_000;
    await vi.waitFor(async () => expect((await rawLog(k8s, ns, pod, 'proxy')).length).toBeGreaterThan(0));

    const first = await sourceFor(k8s, ns).snapshot(query(since), 5);
    expect(new Set(first.events.map((e) => e.origin))).toEqual(new Set([`${pod}/api`]));
    const proxy = await sourceFor(k8s, ns).snapshot(query(since, { container: 'proxy' }), 5);
    expect(new Set(proxy.events.map((e) => e.origin))).toEqual(new Set([pod]));
    expect(k8s.requests.filter((r) => r.query.startsWith('?container=proxy'))).toHaveLength(1);
    const missing = await sourceFor(k8s, ns, { container: 'sidecar' })
      .snapshot(query(since), 5)
      .catch((e: unknown) => e);
    expect(missing).toEqual(new UserError(`Pod ${pod} has no container sidecar. Its containers: api, proxy.`));
  });

  it('reconnects streams that end while the pod runs, without losing or repeating a line', async () => {
    const ns = freshNamespace();
    k8s.seedDeployment({ namespace: ns, name: 'api', image: IMAGE, replicas: 2 });
    // A proxy that ends every log stream after 250 ms, as API servers and load balancers do after their timeouts.
    let logStreams = 0;
    const proxy = createServer((req, res) => {
      const upstream = request(`${k8s.url}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        if (!req.url?.includes('/log?') || !req.url.includes('follow=true')) return;
        logStreams += 1;
        setTimeout(() => {
          answer.unpipe(res);
          res.end();
          upstream.destroy();
        }, 250);
      });
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    });
    servers.push(proxy);
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const server = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;

    const since = now() - 3_000;
    const events = await follow(sourceFor(k8s, ns, {}, server), query(since), () => logStreams >= 8);

    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    const byPod = expectConsecutivePerPod(events);
    expect(byPod.size).toBe(2);
    for (const lines of byPod.values()) expect(lines.length).toBeGreaterThan(60);
  });
});
