import type { Redis } from 'ioredis';

export interface UpstreamRedis {
  client: Redis;
  subscriber: Redis;
}

/**
 * Records that `holder` has `count` follows of a scope (none: forgets it) for `ttl` ms by Redis's clock, drops
 * replicas whose record ran out (they stopped without saying so), and answers how many follows the other
 * replicas have. KEYS: the sorted set of replicas by expiry, the hash of their counts.
 */
export const PRESENCE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local holder, count, ttl = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
if count > 0 then
  redis.call('ZADD', KEYS[1], now + ttl, holder)
  redis.call('HSET', KEYS[2], holder, count)
else
  redis.call('ZREM', KEYS[1], holder)
  redis.call('HDEL', KEYS[2], holder)
end
for _, gone in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)) do
  redis.call('ZREM', KEYS[1], gone)
  redis.call('HDEL', KEYS[2], gone)
end
local others = 0
local counts = redis.call('HGETALL', KEYS[2])
for i = 1, #counts, 2 do
  if counts[i] ~= holder then others = others + tonumber(counts[i + 1]) end
end
redis.call('PEXPIRE', KEYS[1], ttl * 2)
redis.call('PEXPIRE', KEYS[2], ttl * 2)
return others
`;

/** Records this replica's follows of an upstream and answers how many the other replicas have. */
export function presence(redis: UpstreamRedis, channel: string, holder: string, count: number, ttlMs: number) {
  const keys = [`${channel}:viewers`, `${channel}:counts`];
  return redis.client.eval(PRESENCE_SCRIPT, 2, ...keys, holder, count, ttlMs) as Promise<number>;
}
