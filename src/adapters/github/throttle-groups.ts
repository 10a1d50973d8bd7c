import Bottleneck from 'bottleneck';
import type { LimitGroup, SharedLimits } from '../rate-limits/index.ts';

type PluginGroups = Record<'global' | 'auth' | 'search' | 'write' | 'notifications', Bottleneck.Group>;

/**
 * `@octokit/plugin-throttling`'s options for limits shared through Redis. Given only `connection`, the plugin
 * builds its groups once per process, on the first client's connection, and its clustered limiters wait
 * without end while Redis is down. It also takes the groups themselves and calls nothing on them but
 * `key(id).schedule(options, fn, …args)`, which our groups answer: the same settings as the plugin's own
 * (`octokit/plugin-throttling` src/index.ts), clustered while Redis is up and local while it is down.
 */
export function sharedThrottling(limits: SharedLimits) {
  const groups: Record<keyof PluginGroups, LimitGroup> = {
    global: limits.group('github-global', { maxConcurrent: 10 }),
    auth: limits.group('github-auth', { maxConcurrent: 1 }),
    search: limits.group('github-search', { maxConcurrent: 1, minTime: 2000 }),
    write: limits.group('github-write', { maxConcurrent: 1, minTime: 1000 }),
    notifications: limits.group('github-notifications', { maxConcurrent: 1, minTime: 3000 }),
  };
  return {
    Bottleneck,
    // Marks the limits as clustered, so the plugin gives each job an expiration and a dead replica frees its slot.
    ...(limits.connection ? { connection: limits.connection } : {}),
    ...(groups as unknown as PluginGroups),
  };
}
