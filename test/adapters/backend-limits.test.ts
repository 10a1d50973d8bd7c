import { randomBytes } from 'node:crypto';
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createOctokit } from '../../src/adapters/github/index.ts';
import { createCloudWatchClient, filterLogEventsLimit } from '../../src/adapters/logs-cloudwatch/index.ts';
import { SharedLimits } from '../../src/adapters/rate-limits/index.ts';
import { eventually } from '../helpers/eventually.ts';
import { closedPort } from '../helpers/redis-relay.ts';
import { recordingLog, recordingMetrics } from '../helpers/recorders.ts';
import { startCloudWatch } from '../sandbox/cloudwatch-harness.ts';
import { startGitHub } from '../sandbox/github-harness.ts';

const REDIS_URL = 'redis://127.0.0.1:6379';
const redis = new Redis(REDIS_URL);
afterAll(() => redis.disconnect());

const opened: SharedLimits[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((l) => l.stop()));
});

/** The limits of one replica; replicas of one deployment share `prefix`. */
async function replica(prefix: string, redisUrl = REDIS_URL) {
  const m = recordingMetrics();
  const limits = await SharedLimits.open({
    redisUrl,
    prefix,
    log: recordingLog().log,
    metrics: m.metrics,
    watchdogMs: 100,
  });
  opened.push(limits);
  if (redisUrl === REDIS_URL) await eventually(() => limits.up, 'Redis');
  return { limits, local: m.local };
}

const newPrefix = () => `t${randomBytes(4).toString('hex')}-`;

describe('CloudWatch Logs FilterLogEvents quota', () => {
  // The emulator throttles FilterLogEvents beyond 5 calls a second, as CloudWatch's lowest regional quota does.
  async function burst(prefixes: [string, string]) {
    const cw = await startCloudWatch({ throttle: { FilterLogEvents: 5 } });
    const calls = await Promise.all(
      prefixes.map(async (prefix) => {
        const { limits } = await replica(prefix);
        const client = createCloudWatchClient({
          region: 'us-east-1',
          endpoint: cw.url,
          credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
          // No SDK retries: every throttled call shows in the emulator's log.
          maxAttempts: 1,
        });
        const admit = filterLogEventsLimit(client, limits, 5);
        const command = () => client.send(new FilterLogEventsCommand({ logGroupName: '/none' })).catch(() => undefined);
        return Array.from({ length: 7 }, (_, i) => admit(command, i % 2 ? 'bulk' : 'prompt'));
      }),
    );
    await Promise.all(calls.flat());
    const filter = cw.requests.filter((r) => r.operation === 'FilterLogEvents');
    return { calls: filter.length, throttled: filter.filter((r) => r.errorType === 'ThrottlingException').length };
  }

  it('holds 5 calls a second for two replicas together, so CloudWatch throttles none', async () => {
    const prefix = newPrefix();
    expect(await burst([prefix, prefix])).toEqual({ calls: 14, throttled: 0 });
  });

  it('is exceeded by two replicas that do not share it (the control)', async () => {
    const result = await burst([newPrefix(), newPrefix()]);
    expect(result.calls).toBe(14);
    expect(result.throttled).toBeGreaterThan(0);
  });
});

describe('GitHub throttling groups', () => {
  it("spaces two replicas' writes by the plugin's write pacing, through Redis", async () => {
    const gh = await startGitHub({ token: 'test-token', stepMs: 20 });
    const prefix = newPrefix();
    const replicas = await Promise.all([replica(prefix), replica(prefix)]);
    const octokits = replicas.map(({ limits }) =>
      createOctokit({ baseUrl: gh.url, token: 'test-token', log: recordingLog().log, retryAfterBaseValue: 1, limits }),
    );
    const done: number[] = [];
    // A write the emulator refuses still takes its turn in the write group first.
    const write = (o: (typeof octokits)[number]) =>
      o.request('POST /repos/acme/none/dispatches', { event_type: 'x' }).then(
        () => done.push(performance.now()),
        () => done.push(performance.now()),
      );
    await Promise.all([write(octokits[0]!), write(octokits[1]!)]);
    done.sort((a, b) => a - b);
    // The write group starts one write a second for everyone; each replica alone would start both at once.
    expect(done[1]! - done[0]!).toBeGreaterThanOrEqual(800);
    const keys = await redis.keys(`b_${prefix}github-write-*_settings`);
    expect(keys).toHaveLength(1);
    expect(replicas.flatMap((r) => r.local)).toEqual([]);
  });

  it('keeps the limits locally when Redis is down, and GitHub calls go on', async () => {
    const gh = await startGitHub({ token: 'test-token', stepMs: 20 });
    const { limits, local } = await replica(newPrefix(), `redis://127.0.0.1:${await closedPort()}`);
    const octokit = createOctokit({ baseUrl: gh.url, token: 'test-token', log: recordingLog().log, limits });
    const status = await octokit.request('POST /repos/acme/none/dispatches', { event_type: 'x' }).then(
      (r) => r.status,
      (e: { status: number }) => e.status,
    );
    expect(status).toBe(404);
    expect(limits.up).toBe(false);
    expect(local).toEqual(expect.arrayContaining(['github-write', 'github-global']));
  });
});
