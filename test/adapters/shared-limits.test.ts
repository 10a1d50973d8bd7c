import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { SharedLimits } from '../../src/adapters/rate-limits/index.ts';
import { openRedisLink } from '../../src/adapters/rate-limits/redis-link.ts';
import { eventually } from '../helpers/eventually.ts';
import { closedPort, redisRelay } from '../helpers/redis-relay.ts';
import { recordingLog, recordingMetrics } from '../helpers/recorders.ts';

const REDIS_URL = 'redis://127.0.0.1:6379';
const redis = new Redis(REDIS_URL);
afterAll(() => redis.disconnect());

const opened: SharedLimits[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((l) => l.stop()));
});

function limits(options: { redisUrl?: string; prefix?: string; watchdogMs?: number; pingTimeoutMs?: number } = {}) {
  const log = recordingLog();
  const m = recordingMetrics();
  const l = new SharedLimits({
    redisUrl: options.redisUrl,
    openLink: openRedisLink,
    prefix: options.prefix ?? `t${randomBytes(4).toString('hex')}-`,
    log: log.log,
    metrics: m.metrics,
    watchdogMs: options.watchdogMs ?? 100,
    pingTimeoutMs: options.pingTimeoutMs ?? 200,
  });
  opened.push(l);
  return { limits: l, lines: log.lines, ...m };
}

const until = (l: SharedLimits, up: boolean) => eventually(() => l.up === up, `shared limits ${up ? 'up' : 'down'}`);

describe('SharedLimits on Redis', () => {
  it('holds one limit for two replicas: jobs from both start at least minTime apart', async () => {
    const prefix = `t${randomBytes(4).toString('hex')}-`;
    const a = limits({ redisUrl: REDIS_URL, prefix });
    const b = limits({ redisUrl: REDIS_URL, prefix });
    await Promise.all([until(a.limits, true), until(b.limits, true)]);
    const groupA = a.limits.group('spaced', { minTime: 300 });
    const groupB = b.limits.group('spaced', { minTime: 300 });
    const starts: number[] = [];
    const job = () => void starts.push(performance.now());
    await Promise.all([1, 2, 3].flatMap(() => [groupA.schedule('k', {}, job), groupB.schedule('k', {}, job)]));
    starts.sort((x, y) => x - y);
    expect(starts).toHaveLength(6);
    // Each replica alone would start its three 300 ms apart and the two would overlap; shared, all six are spaced.
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(250);
    expect(await redis.exists(`b_${prefix}spaced-k_settings`)).toBe(1);
    expect(a.local).toEqual([]);
    expect(b.shared).toEqual([false, true]);
  });

  it('recovers a limit whose Redis keys were lost, as after a Redis restart without persistence', async () => {
    const prefix = `t${randomBytes(4).toString('hex')}-`;
    const a = limits({ redisUrl: REDIS_URL, prefix });
    await until(a.limits, true);
    const group = a.limits.group('lost', { minTime: 10 });
    await group.schedule('k', {}, () => 1);
    await redis.del(`b_${prefix}lost-k_settings`);
    expect(await group.schedule('k', {}, () => 2)).toBe(2);
    expect(await group.schedule('k', {}, () => 3)).toBe(3);
    expect(await redis.exists(`b_${prefix}lost-k_settings`)).toBe(1);
    // The job that met the lost keys ran on its local turn; the next one was shared again.
    expect(a.local).toEqual(['lost']);
  });

  it('passes on the failure of the task itself, and runs it once', async () => {
    const a = limits({ redisUrl: REDIS_URL });
    await until(a.limits, true);
    const group = a.limits.group('failing', { minTime: 10 });
    let runs = 0;
    const failing = () => {
      runs += 1;
      throw new Error('boom');
    };
    await expect(group.schedule('k', {}, failing)).rejects.toThrow('boom');
    expect(runs).toBe(1);
    expect(await group.schedule('k', {}, () => 'next')).toBe('next');
  });
});

describe('SharedLimits without Redis', () => {
  it('runs jobs by priority within a key: prompt ones before bulk ones queued earlier', async () => {
    const { limits: l } = limits();
    const group = l.group('ordered', { maxConcurrent: 1 });
    const order: string[] = [];
    let release!: () => void;
    const blocker = group.schedule('k', {}, () => new Promise<void>((resolve) => (release = resolve)));
    const jobs = [
      group.schedule('k', { priority: 8 }, () => void order.push('bulk 1')),
      group.schedule('k', { priority: 8 }, () => void order.push('bulk 2')),
      group.schedule('k', { priority: 1 }, () => void order.push('prompt')),
      group.schedule('other', { priority: 8 }, () => void order.push('other key')),
    ];
    await eventually(() => order.includes('other key'), 'the other key to run at once');
    release();
    await Promise.all([blocker, ...jobs]);
    expect(order).toEqual(['other key', 'prompt', 'bulk 1', 'bulk 2']);
  });

  it('keeps the limit locally without REDIS_URL, and neither warns nor counts it as an outage', async () => {
    const { limits: l, lines, shared, local } = limits();
    const group = l.group('plain', { minTime: 50 });
    const starts: number[] = [];
    await Promise.all([1, 2, 3].map(() => group.schedule('k', {}, () => void starts.push(performance.now()))));
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(40);
    expect([lines, shared, local]).toEqual([[], [], []]);
  });
});

describe('SharedLimits when Redis fails', () => {
  it('limits locally when Redis cannot be reached, warning once and counting each job', async () => {
    const a = limits({ redisUrl: `redis://127.0.0.1:${await closedPort()}` });
    const group = a.limits.group('unreachable', { minTime: 50 });
    const ran: number[] = [];
    await Promise.all([1, 2, 3, 4].map((n) => group.schedule('k', {}, () => void ran.push(n))));
    expect(ran).toEqual([1, 2, 3, 4]);
    await eventually(() => a.lines.length > 0, 'the warning');
    expect(a.lines).toEqual([{ level: 'warn', msg: expect.stringContaining('Redis is unreachable') }]);
    expect(a.shared).toEqual([false]);
    expect(a.local).toEqual(['unreachable', 'unreachable', 'unreachable', 'unreachable']);
  });

  it('moves waiting jobs to the local limit when Redis goes away, and shares again once it is back', async () => {
    const relay = await redisRelay();
    const prefix = `t${randomBytes(4).toString('hex')}-`;
    const a = limits({ redisUrl: relay.url(), prefix });
    try {
      await until(a.limits, true);
      const group = a.limits.group('outage', { minTime: 400 });
      const ran: number[] = [];
      await group.schedule('k', {}, () => void ran.push(0));
      // Queued behind the shared limit's spacing when Redis goes away.
      const waiting = [1, 2, 3].map((n) => group.schedule('k', {}, () => void ran.push(n)));
      await relay.down();
      await Promise.all(waiting);
      expect(ran).toEqual([0, 1, 2, 3]);
      expect(a.limits.up).toBe(false);
      expect(a.local.length).toBeGreaterThanOrEqual(1);

      await relay.up();
      await until(a.limits, true);
      const before = a.local.length;
      await group.schedule('k', {}, () => void ran.push(4));
      expect(a.local).toHaveLength(before);
      expect(await redis.exists(`b_${prefix}outage-k_settings`)).toBe(1);
      expect(a.lines).toEqual([
        { level: 'warn', msg: expect.stringContaining('Redis is unreachable') },
        { level: 'info', msg: expect.stringContaining('Redis is back') },
      ]);
      expect(a.shared).toEqual([false, true, false, true]);
    } finally {
      await relay.down();
    }
  });

  it('moves waiting jobs to the local limit within seconds when Redis goes silent on open connections', async () => {
    const relay = await redisRelay();
    // The watchdog at its production pace: it notices the silence, but cannot unblock what Redis holds.
    const a = limits({ redisUrl: relay.url(), watchdogMs: 2000, pingTimeoutMs: 500 });
    try {
      await until(a.limits, true);
      const group = a.limits.group('partition', { maxConcurrent: 1, minTime: 400 });
      const ran: number[] = [];
      await group.schedule('k', {}, () => void ran.push(0));
      const waiting = [1, 2, 3].map((n) => group.schedule('k', {}, () => void ran.push(n)));
      relay.silence();
      const later = group.schedule('k', {}, () => void ran.push(4));
      // Without a command timeout these wait until TCP gives up on the silent connection (minutes).
      await eventually(() => ran.length === 5, 'every job to run', 10_000);
      await Promise.all([...waiting, later]);
      expect(ran).toEqual([0, 1, 2, 3, 4]);
      expect(a.limits.up).toBe(false);
    } finally {
      await relay.down();
    }
  });
});
