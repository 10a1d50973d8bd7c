import Bottleneck from 'bottleneck';
import { Redis, type RedisOptions } from 'ioredis';

/**
 * The client Bottleneck's connection is built on. Commands fail after one reconnect attempt, so a job
 * waiting on a Redis that went away fails over to the local limiter within seconds. Bottleneck makes its
 * pub/sub client with `duplicate()` and unsubscribes a limiter it disconnects without catching a failure,
 * which would be an unhandled rejection: that client waits for Redis instead of failing, and an unsubscribe
 * cut short by a closed connection counts as done (a closed connection holds no subscription).
 */
const COMMAND_TIMEOUT_MS = 1000;

class LimitsRedis extends Redis {
  override duplicate(override?: Partial<RedisOptions>): Redis {
    const subscriber = super.duplicate({ maxRetriesPerRequest: null, ...override });
    const unsubscribe = subscriber.unsubscribe.bind(subscriber) as (...channels: string[]) => Promise<unknown>;
    const quiet = (...channels: string[]) => unsubscribe(...channels).catch(() => 0);
    subscriber.unsubscribe = quiet as unknown as Redis['unsubscribe'];
    return subscriber;
  }
}

export interface RedisLink {
  client: Redis;
  connection: Bottleneck.IORedisConnection;
  /**
   * Settles once both of Bottleneck's clients are connected. Bottleneck types it as a method but sets it as a
   * promise, and it never rejects: a connection made while Redis is down waits until it comes up.
   */
  ready: Promise<unknown>;
}

export function openRedisLink(url: string, connectTimeoutMs: number): RedisLink {
  const client = new LimitsRedis(url, {
    maxRetriesPerRequest: 1,
    connectTimeout: connectTimeoutMs,
    // A Redis that stops answering without closing the connection (a partition, a lost node) must fail
    // commands, not hold them until TCP gives up: Bottleneck holds a key's locks across each command.
    commandTimeout: COMMAND_TIMEOUT_MS,
    // Reconnect quickly at first, then every 2 s at most: the watchdog notices when it is back.
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
  const connection = new Bottleneck.IORedisConnection({ client, Redis });
  const ready = (connection as unknown as { ready: Promise<unknown> }).ready;
  return { client, connection, ready };
}
