import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CloudWatchLogSource,
  createCloudWatchClient,
  LiveTailHub,
  type LiveTailHubOptions,
} from '../../src/adapters/logs-cloudwatch/index.ts';
import { openUpstreamRedis } from '../../src/adapters/shared-upstreams/open-redis.ts';
import { SqliteStore } from '../../src/adapters/store-sqlite/sqlite-store.ts';
import type { Logger } from '../../src/ports/logger.ts';
import type { FollowNotice, LogEvent } from '../../src/ports/logs.ts';
import type { LeaseStore } from '../../src/ports/store.ts';
import type { CloudWatchLogsEmulator } from '../../src/sandbox/cloudwatch/index.ts';
import type { LiveTailOptions } from '../../src/sandbox/cloudwatch/live-tail.ts';
import { epochMs, pinnedClock, WEEKDAY } from '../helpers/clock.ts';
import { startCloudWatch } from '../sandbox/cloudwatch-harness.ts';

const REDIS_URL = 'redis://127.0.0.1:6379';
const LEASE_MS = 600;
const clock = pinnedClock(WEEKDAY);
const now = () => clock.now().getTime();
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
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

/** One emulator, one store and one Redis prefix, shared by the replicas `replica` makes. */
async function cluster(
  maxSessions = 10,
  liveTail: LiveTailOptions = { updateMs: 50 },
  sampling?: LiveTailHubOptions['sampling'],
) {
  const cw = await startCloudWatch({ now: epochMs(clock), liveTail, ingestionDelayMs: 20 });
  cw.createGroup('/ecs/api');
  cw.createGroup('/ecs/api-staging');
  const dir = await mkdtemp(join(tmpdir(), 'opsdeck-livetail-'));
  const store = SqliteStore.open(join(dir, 'opsdeck.db'), clock);
  cleanups.push(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
  const prefix = `t${randomBytes(4).toString('hex')}-`;

  const replica = (holder: string) => {
    const client: CloudWatchLogsClient = createCloudWatchClient({
      region: 'us-east-1',
      endpoint: cw.url,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    const leases = freezable(store);
    const redis = openUpstreamRedis(REDIS_URL);
    const hub = new LiveTailHub({
      client,
      maxSessions,
      log: quiet,
      sampling,
      cluster: { redis, leases, holder, prefix, capScope: 'us-east-1', leaseMs: LEASE_MS, clock },
    });
    const source = new CloudWatchLogSource({
      client,
      group: (env) => `/ecs/api${env === 'prod' ? '' : `-${env}`}`,
      liveTail: hub,
      pollMs: 50,
      clock,
      log: quiet,
    });
    let dead = false;
    cleanups.push(async () => {
      if (!dead) await hub.stop();
      client.destroy();
    });
    /** Stops as a killed process does: no renewals, no releases, no Redis, its connections gone. */
    const die = () => {
      dead = true;
      leases.freeze();
      redis.client.disconnect();
      redis.subscriber.disconnect();
      client.destroy();
    };
    return { hub, source, die };
  };
  return { cw, store, replica };
}

/** A running follow: what it delivered and what it was told. */
function follow(source: CloudWatchLogSource, env = 'prod') {
  const abort = new AbortController();
  cleanups.push(() => abort.abort());
  const events: LogEvent[] = [];
  const notices: FollowNotice[] = [];
  const done = source.follow(
    { target: { service: 'api', env }, since: new Date(now() - 60_000) },
    abort.signal,
    (batch) => void events.push(...batch),
    (notice) => void notices.push(notice),
  );
  const messages = () => events.map((e) => e.message);
  return { events, notices, messages, done, stop: () => abort.abort() };
}

const put = (cw: CloudWatchLogsEmulator, ...messages: string[]) =>
  cw.put(
    '/ecs/api',
    'web/1',
    messages.map((message) => ({ timestamp: now(), message })),
  );

/** The most Live Tail sessions open at once while `during` runs, sampled as it goes. */
async function mostOpen(cw: CloudWatchLogsEmulator, during: () => Promise<void>): Promise<number> {
  let most = cw.openLiveTails;
  const sampler = setInterval(() => {
    most = Math.max(most, cw.openLiveTails);
  }, 5);
  try {
    await during();
  } finally {
    clearInterval(sampler);
  }
  return Math.max(most, cw.openLiveTails);
}

describe('Live Tail sessions shared across replicas', () => {
  it('opens one session for follows of one target on two replicas, and both get every event', async () => {
    const { cw, replica } = await cluster();
    const a = replica('replica-a');
    const b = replica('replica-b');
    const onA = follow(a.source);
    await expect.poll(() => onA.notices).toContainEqual({ kind: 'live', viewers: 1 });
    const onB = follow(b.source);
    await expect.poll(() => onB.notices).toContainEqual({ kind: 'live', viewers: 2 });
    put(cw, 'one', 'two');
    put(cw, 'three');
    await expect.poll(() => onA.messages()).toEqual(['one', 'two', 'three']);
    await expect.poll(() => onB.messages()).toEqual(['one', 'two', 'three']);
    expect(cw.liveTailSessions).toHaveLength(1);
    expect(a.hub.open + b.hub.open).toBe(1);
  });

  it("keeps the one session while the other replica's follows remain, and ends it after the last", async () => {
    const { cw, replica } = await cluster();
    const a = replica('replica-a');
    const b = replica('replica-b');
    const onA = follow(a.source);
    await expect.poll(() => onA.notices).toContainEqual({ kind: 'live', viewers: 1 });
    const onB = follow(b.source);
    await expect.poll(() => onB.notices).toContainEqual({ kind: 'live', viewers: 2 });
    expect(a.hub.open).toBe(1);

    onA.stop();
    await onA.done;
    put(cw, 'after the owner left');
    await expect.poll(() => onB.messages()).toEqual(['after the owner left']);
    expect(cw.liveTailSessions).toHaveLength(1);
    expect(cw.openLiveTails).toBe(1);

    onB.stop();
    await onB.done;
    await expect.poll(() => cw.openLiveTails).toBe(0);
    expect(cw.liveTailSessions).toHaveLength(1);
    expect(a.hub.open + b.hub.open).toBe(0);
  });

  it('hands the session to a replica still following when the owner stops abruptly', async () => {
    const { cw, replica } = await cluster();
    const a = replica('replica-a');
    const b = replica('replica-b');
    const onA = follow(a.source);
    await expect.poll(() => onA.notices).toContainEqual({ kind: 'live', viewers: 1 });
    const onB = follow(b.source);
    await expect.poll(() => onB.notices).toContainEqual({ kind: 'live', viewers: 2 });
    put(cw, 'from the first owner');
    await expect.poll(() => onB.messages()).toEqual(['from the first owner']);

    const most = await mostOpen(cw, async () => {
      a.die();
      await expect.poll(() => cw.liveTailSessions.length, { timeout: 5000 }).toBe(2);
    });
    expect(most).toBe(1);
    expect(b.hub.open).toBe(1);
    expect(cw.liveTailSessions[0]?.endedBy).toBe('client');
    put(cw, 'from the second owner');
    await expect.poll(() => onB.messages()).toEqual(['from the first owner', 'from the second owner']);
    expect(onB.notices.filter((n) => n.kind === 'polling')).toEqual([]);
  });

  it('holds the cap on sessions across replicas, polling beyond it', async () => {
    const { cw, replica } = await cluster(1);
    const a = replica('replica-a');
    const b = replica('replica-b');
    const onA = follow(a.source, 'prod');
    await expect.poll(() => onA.notices).toContainEqual({ kind: 'live', viewers: 1 });
    const onB = follow(b.source, 'staging');
    await expect.poll(() => onB.notices[0]).toMatchObject({ kind: 'polling' });
    expect((onB.notices[0] as { reason: string }).reason).toContain('all 1 Live Tail sessions');
    expect((onB.notices[0] as { reason: string }).reason).toContain('across its replicas');
    expect(cw.liveTailSessions).toHaveLength(1);

    onA.stop();
    await onA.done;
    await expect.poll(() => cw.openLiveTails).toBe(0);
    const again = follow(b.source, 'staging');
    await expect.poll(() => again.notices).toContainEqual({ kind: 'live', viewers: 1 });
    expect(cw.liveTailSessions).toHaveLength(2);
  });

  it('measures the share once, on the owner, and every replica says it', async () => {
    const counted: string[] = [];
    const sampling = {
      admit: ((call, urgency) => {
        counted.push(urgency);
        return call();
      }) satisfies NonNullable<LiveTailHubOptions['sampling']>['admit'],
      clock,
      timing: { windowMs: 1000, settleMs: 400, everyMs: 60_000 },
    };
    const { cw, replica } = await cluster(10, { updateMs: 50, maxEventsPerUpdate: 5 }, sampling);
    const onA = follow(replica('replica-a').source);
    await expect.poll(() => onA.notices).toContainEqual({ kind: 'live', viewers: 1 });
    const onB = follow(replica('replica-b').source);
    await expect.poll(() => onB.notices).toContainEqual({ kind: 'live', viewers: 2 });
    const writer = cw.generate({ group: '/ecs/api', streams: ['web/1'], eventsPerSecond: 400, tickMs: 10 });
    const measured = (notices: FollowNotice[]) =>
      notices.flatMap((n) => (n.kind === 'sampled' && n.measured ? [n.measured] : []));
    try {
      await expect.poll(() => measured(onA.notices), { timeout: 5000 }).toHaveLength(1);
      await expect.poll(() => measured(onB.notices)).toHaveLength(1);
    } finally {
      writer.stop();
    }
    // JSON over Redis turns dates to text; the other replica's follow must hear the same numbers.
    expect(JSON.stringify(measured(onB.notices))).toBe(JSON.stringify(measured(onA.notices)));
    expect(measured(onB.notices)[0]!.from).toBeInstanceOf(Date);
    const pages = Math.ceil(measured(onA.notices)[0]!.matched / 10_000);
    expect(counted).toHaveLength(pages);
  });
});
