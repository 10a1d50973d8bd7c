import { Redis } from 'ioredis';
import type { UpstreamRedis } from './redis.ts';

// Its own file, so what only uses the presence script does not load ioredis: a bot without REDIS_URL never does.
/**
 * The two connections of upstreams shared across replicas (Live Tail sessions, pod-log streams): one for
 * commands, one subscribed to the upstreams followed here. Each command fails after a second (a silent Redis
 * must not hold a follow's start) and after one reconnect attempt, so a follow starting while Redis is away
 * falls back to this replica's own upstreams.
 */
export function openUpstreamRedis(url: string): UpstreamRedis {
  const options = {
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    commandTimeout: 1000,
    retryStrategy: (times: number) => Math.min(times * 200, 2000),
  };
  const client = new Redis(url, options);
  const subscriber = new Redis(url, options);
  // A connection's failures reach the callers of its commands; the event only repeats them.
  client.on('error', () => undefined);
  subscriber.on('error', () => undefined);
  return { client, subscriber };
}
