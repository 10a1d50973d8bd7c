import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ClusterClients } from '../../src/adapters/kubernetes/index.ts';
import { openUpstreamRedis } from '../../src/adapters/shared-upstreams/open-redis.ts';
import { KubernetesLogSource, PodStreams } from '../../src/adapters/logs-kubernetes/index.ts';
import { parseLogLine } from '../../src/adapters/logs-kubernetes/log-line.ts';
import { SqliteStore } from '../../src/adapters/store-sqlite/sqlite-store.ts';
import type { Logger } from '../../src/ports/logger.ts';
import type { LogEvent } from '../../src/ports/logs.ts';
import type { LeaseStore } from '../../src/ports/store.ts';
import { type KubernetesEmulator, renderKubeconfig } from '../../src/sandbox/kubernetes/index.ts';
import { epochMs, pinnedClock, WEEKDAY } from '../helpers/clock.ts';
import { redisRelay } from '../helpers/redis-relay.ts';
import { startEmulator } from '../sandbox/kubernetes-helpers.ts';

const REDIS_URL = 'redis://127.0.0.1:6379';
const LEASE_MS = 600;
const clock = pinnedClock(WEEKDAY);
const now = () => clock.now().getTime();
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };
const cleanups: (() => Promise<void> | void)[] = [];

let k8s: KubernetesEmulator;
beforeAll(async () => {
  k8s = await startEmulator({ now: epochMs(clock) });
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(async () => {
  await k8s.close();
});

/** The store's leases, until `freeze` makes every call hang, as a replica that stopped would leave them. */
function freezable(store: LeaseStore): LeaseStore & { freeze(): void } {
  let frozen = false;
  const hang = new Promise<never>(() => undefined);
  return {
    freeze: () => {
      frozen = true;
    },
    acquireLease: (...args) => (frozen ? hang : store.acquireLease(...args)),
    renewLease: (...args) => (frozen ? hang : store.renewLease(...args)),
    releaseLease: (...args) => (frozen ? hang : store.releaseLease(...args)),
  };
}

/** A TCP relay to the emulator whose `cut` drops every connection and refuses new ones, as a killed host. */
async function relay(): Promise<{ url: string; cut: () => void }> {
  const target = new URL(k8s.url);
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    const upstream = connect(Number(target.port), target.hostname);
    for (const [s, other] of [
      [socket, upstream],
      [upstream, socket],
    ] as const) {
      sockets.add(s);
      s.on('error', () => undefined);
      // A connection closed on one side closes the other, as one TCP connection would: a client that
      // stops reading a log stream must end it at the emulator too, not leave it half open.
      s.on('close', () => {
        sockets.delete(s);
        other.destroy();
      });
    }
    socket.pipe(upstream).pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const cut = () => {
    server.close();
    for (const s of sockets) s.destroy();
  };
  cleanups.push(cut);
  return { url: `http://127.0.0.1:${port}`, cut };
}

/** Two replicas' worth of pod streams on one store and one Redis prefix, each reaching the emulator alone. */
async function cluster(namespace: string) {
  const dir = await mkdtemp(join(tmpdir(), 'opsdeck-podlogs-'));
  const store = SqliteStore.open(join(dir, 'opsdeck.db'), clock);
  cleanups.push(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
  const prefix = `t${randomBytes(4).toString('hex')}-`;

  return async (holder: string, redisUrl = REDIS_URL) => {
    const link = await relay();
    const leases = freezable(store);
    const redis = openUpstreamRedis(redisUrl);
    const streams = new PodStreams({ redis, leases, holder, prefix, leaseMs: LEASE_MS, clock, log: quiet });
    const kc = new KubeConfig();
    kc.loadFromString(renderKubeconfig([{ name: 'prod-cluster', server: link.url, token: k8s.token }]));
    const source = new KubernetesLogSource({
      clients: new ClusterClients({ kubeconfig: kc, contexts: { prod: 'prod-cluster' } }),
      namespace,
      selector: 'app=api',
      streams,
      pollMs: 50,
      clock,
      log: quiet,
    });
    let dead = false;
    cleanups.push(async () => {
      if (!dead) await streams.stop();
    });
    /** Stops as a killed process does: no renewals, no releases, no Redis, its connections gone. */
    const die = () => {
      dead = true;
      link.cut();
      leases.freeze();
      redis.client.disconnect();
      redis.subscriber.disconnect();
    };
    return { streams, source, die };
  };
}

/** A follow running until stopped, with every line it was given. */
function start(source: KubernetesLogSource, since: number) {
  const abort = new AbortController();
  cleanups.push(() => abort.abort());
  const events: LogEvent[] = [];
  const done = source.follow(
    { target: { service: 'api', env: 'prod' }, since: new Date(since) },
    abort.signal,
    (b) => void events.push(...b),
  );
  return {
    events,
    stop: async () => {
      abort.abort();
      await done;
    },
  };
}

const seqOf = (e: LogEvent) => Number(/seq=(\d+)/.exec(e.message)?.[1]);
const newest = (events: LogEvent[], pod: string) => Math.max(-1, ...events.filter((e) => e.origin === pod).map(seqOf));

/** Each pod's lines exactly as its whole log has them from `since`: none lost, none twice. */
async function expectWholeLog(events: LogEvent[], namespace: string, pods: string[], since: number) {
  expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
  for (const pod of pods) {
    const res = await fetch(`${k8s.url}/api/v1/namespaces/${namespace}/pods/${pod}/log?timestamps=true`, {
      headers: { authorization: `Bearer ${k8s.token}` },
    });
    const raw = (await res.text())
      .split('\n')
      .map((l) => parseLogLine(l))
      .filter((l) => l !== undefined && l.stamp.ms >= since)
      .map((l) => l!.text);
    const lines = events.filter((e) => e.origin === pod).map((e) => e.message);
    expect({ pod, lines }).toEqual({ pod, lines: raw.slice(0, lines.length) });
  }
}

const streamsOf = (namespace: string) =>
  k8s.requests.filter(
    (r) => r.path.startsWith(`/api/v1/namespaces/${namespace}/pods/`) && r.query.includes('follow=true'),
  );
/** The most `follow=true` requests of one pod the emulator had open at once, as sampled. */
function watchOpenStreams(namespace: string, pods: string[]) {
  let most = 0;
  const sample = () => {
    for (const pod of pods) {
      const open = streamsOf(namespace).filter((r) => r.path.includes(`/pods/${pod}/`) && r.status === undefined);
      most = Math.max(most, open.length);
    }
  };
  return { sample, most: () => most };
}

const waitFor = (check: () => void) => vi.waitFor(check, { timeout: 15_000, interval: 20 });

describe('pod streams across replicas', () => {
  it('read each pod once for both replicas, and go on while the other replica still follows', async () => {
    const ns = `t-${randomBytes(4).toString('hex')}`;
    k8s.seedDeployment({ namespace: ns, name: 'api', image: 'ghcr.io/acme/api:v1', replicas: 2 });
    const pods = k8s.getPods(ns, 'api').map((p) => p.metadata.name);
    const replica = await cluster(ns);
    const [one, two] = [await replica('one'), await replica('two')];
    const since = now() - 1_000;
    const a = start(one.source, since);
    await waitFor(() => expect(pods.map((p) => newest(a.events, p) >= 10)).toEqual([true, true]));
    const b = start(two.source, since);
    const open = watchOpenStreams(ns, pods);
    const joined = new Map(pods.map((p) => [p, newest(a.events, p)]));
    await waitFor(() => {
      open.sample();
      expect(pods.map((p) => newest(b.events, p) > joined.get(p)! + 20)).toEqual([true, true]);
    });
    expect(streamsOf(ns)).toHaveLength(2);
    expect([one.streams.read, two.streams.read]).toEqual([2, 0]);

    await a.stop();
    const afterStop = new Map(pods.map((p) => [p, newest(b.events, p)]));
    await waitFor(() => {
      open.sample();
      expect(pods.map((p) => newest(b.events, p) > afterStop.get(p)! + 20)).toEqual([true, true]);
    });
    expect(streamsOf(ns)).toHaveLength(2);
    expect(open.most()).toBe(1);

    await b.stop();
    await waitFor(() => expect(streamsOf(ns).map((r) => r.status)).toEqual([200, 200]));
    expect([one.streams.open, two.streams.open]).toEqual([0, 0]);
    await expectWholeLog(a.events, ns, pods, since);
    await expectWholeLog(b.events, ns, pods, since);
  });

  it('are taken over by a replica still following when the owner stops abruptly', async () => {
    const ns = `t-${randomBytes(4).toString('hex')}`;
    k8s.seedDeployment({ namespace: ns, name: 'api', image: 'ghcr.io/acme/api:v1', replicas: 2 });
    const pods = k8s.getPods(ns, 'api').map((p) => p.metadata.name);
    const replica = await cluster(ns);
    const [one, two] = [await replica('one'), await replica('two')];
    const since = now() - 1_000;
    start(one.source, since);
    await waitFor(() => expect(one.streams.read).toBe(2));
    const b = start(two.source, since);
    await waitFor(() => expect(pods.map((p) => newest(b.events, p) >= 10)).toEqual([true, true]));

    one.die();
    const open = watchOpenStreams(ns, pods);
    const died = new Map(pods.map((p) => [p, newest(b.events, p)]));
    await waitFor(() => {
      open.sample();
      expect(pods.map((p) => newest(b.events, p) > died.get(p)! + 30)).toEqual([true, true]);
    });
    expect(two.streams.read).toBe(2);
    expect(streamsOf(ns)).toHaveLength(4);
    expect(open.most()).toBe(1);

    await b.stop();
    await expectWholeLog(b.events, ns, pods, since);
  });

  it('are read by a replica itself once Redis stops carrying lines from the owner to it', async () => {
    const ns = `t-${randomBytes(4).toString('hex')}`;
    k8s.seedDeployment({ namespace: ns, name: 'api', image: 'ghcr.io/acme/api:v1', replicas: 2 });
    const pods = k8s.getPods(ns, 'api').map((p) => p.metadata.name);
    const replica = await cluster(ns);
    const toRedis = await redisRelay();
    cleanups.push(() => toRedis.down());
    const [one, two] = [await replica('one'), await replica('two', toRedis.url())];
    const since = now() - 1_000;
    start(one.source, since);
    await waitFor(() => expect(one.streams.read).toBe(2));
    const b = start(two.source, since);
    await waitFor(() => expect(pods.map((p) => newest(b.events, p) >= 10)).toEqual([true, true]));

    await toRedis.down();
    const cut = new Map(pods.map((p) => [p, newest(b.events, p)]));
    await waitFor(() => expect(pods.map((p) => newest(b.events, p) > cut.get(p)! + 30)).toEqual([true, true]));
    expect(two.streams.read).toBe(2);
    await expectWholeLog(b.events, ns, pods, since);
  });
});
