import { randomBytes } from 'node:crypto';
import Bottleneck from 'bottleneck';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { closedPort } from '../helpers/redis-relay.ts';

// Bottleneck 2.19.5 (its last release) as opsdeck uses it, against the real Redis. Each test pins a defect
// that src/adapters/rate-limits/ works around; when one starts failing, the workaround may go.

const redis = new Redis('redis://127.0.0.1:6379');
const connections: Bottleneck.IORedisConnection[] = [];
afterAll(async () => {
  await Promise.all(connections.map((c) => c.disconnect(false)));
  redis.disconnect();
});

function connection(url = 'redis://127.0.0.1:6379') {
  const c = new Bottleneck.IORedisConnection({ clientOptions: url, Redis });
  connections.push(c);
  return c;
}

const id = (name: string) => `defect-${randomBytes(4).toString('hex')}-${name}`;

describe('Bottleneck defects', () => {
  it('does not recover a clustered limiter whose settings key is gone, on Redis 7 (bottleneck#205)', async () => {
    // Redis 7 prefixes a script's error_reply with "ERR ", and Bottleneck compares the message with
    // "SETTINGS_KEY_NOT_FOUND" exactly, so its re-initialisation never runs. The key goes when Redis restarts
    // without persistence or its TTL lapses; the limiter then fails every job for the rest of its life.
    const limiterId = id('lost-settings');
    const limiter = new Bottleneck({ id: limiterId, minTime: 10, connection: connection() });
    await limiter.ready();
    await limiter.schedule(async () => 'before');
    await redis.del(`b_${limiterId}_settings`);
    await expect(limiter.schedule(async () => 'after')).rejects.toThrow('ERR SETTINGS_KEY_NOT_FOUND');
    await expect(limiter.schedule(async () => 'again')).rejects.toThrow('ERR SETTINGS_KEY_NOT_FOUND');
    await limiter.disconnect(false);
  });

  it('never settles a connection made while Redis is down, nor a job on a limiter using it', async () => {
    const down = connection(`redis://127.0.0.1:${await closedPort()}`);
    const limiter = new Bottleneck({ id: id('never-ready'), connection: down });
    const pending = Symbol('pending');
    const later = new Promise((resolve) => setTimeout(() => resolve(pending), 1500));
    const ready = (down as unknown as { ready: Promise<unknown> }).ready;
    // Neither resolves nor rejects: a caller waiting on it would wait for as long as Redis is down.
    expect(await Promise.race([ready, limiter.schedule(async () => 'ran'), later])).toBe(pending);
  });

  it('types the connection ready promise as a method', () => {
    const c = connection();
    expect(typeof (c as unknown as { ready: unknown }).ready).toBe('object');
    expect(() => c.ready()).toThrow(TypeError);
  });

  it('tops up a clustered reservoir only on its 5 s heartbeat, whatever the interval says', async () => {
    const settings = { reservoir: 1, reservoirIncreaseInterval: 250, reservoirIncreaseAmount: 1 };
    const ranWithin = async (limiter: Bottleneck) => {
      await limiter.ready();
      const ran: number[] = [];
      for (const n of [1, 2]) limiter.schedule(async () => void ran.push(n)).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      return ran.length;
    };
    expect(await ranWithin(new Bottleneck(settings))).toBe(2);
    // The top-up is computed when a script runs, but a waiting job asks again only on the heartbeat: the second
    // job waits 5 s. A reservoir is no way to keep a limit of a few calls per second; minTime is.
    const clustered = new Bottleneck({ ...settings, id: id('reservoir'), connection: connection() });
    expect(await ranWithin(clustered)).toBe(1);
    await clustered.stop({ dropWaitingJobs: true }).catch(() => undefined);
    await clustered.disconnect(false);
  });
});
