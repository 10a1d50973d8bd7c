import { afterEach, describe, expect, it } from 'vitest';
import {
  CloudWatchLogSource,
  createCloudWatchClient,
  LiveTailHub,
  type LiveTailHubOptions,
} from '../../src/adapters/logs-cloudwatch/index.ts';
import type { FilterAdmission } from '../../src/adapters/logs-cloudwatch/filter-page.ts';
import type { Logger } from '../../src/ports/logger.ts';
import type { FollowNotice, LogEvent } from '../../src/ports/logs.ts';
import type { CloudWatchLogsEmulator } from '../../src/sandbox/cloudwatch/index.ts';
import { epochMs, pinnedClock, WEEKDAY } from '../helpers/clock.ts';
import { startCloudWatch as startEmulator } from '../sandbox/cloudwatch-harness.ts';

const clock = pinnedClock(WEEKDAY);
const now = () => clock.now().getTime();
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };
const aborts: AbortController[] = [];
afterEach(() => {
  for (const abort of aborts.splice(0)) abort.abort();
});

async function setUp(
  options: Parameters<typeof startEmulator>[0] = {},
  maxSessions = 10,
  sampling?: LiveTailHubOptions['sampling'],
) {
  const cw = await startEmulator({ now: epochMs(clock), liveTail: { updateMs: 50 }, ...options });
  cw.createGroup('/ecs/api');
  cw.createGroup('/ecs/api-staging');
  const client = createCloudWatchClient({
    region: 'us-east-1',
    endpoint: cw.url,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  const hub = new LiveTailHub({ client, maxSessions, log: quiet, sampling });
  const source = new CloudWatchLogSource({
    client,
    group: (env) => `/ecs/api${env === 'prod' ? '' : `-${env}`}`,
    liveTail: hub,
    pollMs: 50,
    clock,
    log: quiet,
  });
  return { cw, hub, source };
}

/** A running follow: what it delivered and what it was told. */
function follow(source: CloudWatchLogSource, env: string, grep?: string) {
  const abort = new AbortController();
  aborts.push(abort);
  const events: LogEvent[] = [];
  const notices: FollowNotice[] = [];
  const done = source.follow(
    { target: { service: 'api', env }, since: new Date(now() - 60_000), grep },
    abort.signal,
    (batch) => void events.push(...batch),
    (notice) => void notices.push(notice),
  );
  return { events, notices, done, stop: () => abort.abort() };
}

const put = (cw: CloudWatchLogsEmulator, group: string, ...messages: string[]) =>
  cw.put(
    group,
    'web/1',
    messages.map((message) => ({ timestamp: now(), message })),
  );

describe('follows over CloudWatch Live Tail', () => {
  it('reads the history first, then streams, every line once', async () => {
    const { cw, source } = await setUp();
    put(cw, '/ecs/api', 'before');
    const a = follow(source, 'prod');
    await expect.poll(() => a.notices).toContainEqual({ kind: 'live', viewers: 1 });
    await expect.poll(() => a.events.map((e) => e.message)).toEqual(['before']);
    put(cw, '/ecs/api', 'after 1', 'after 2');
    await expect.poll(() => a.events.map((e) => e.message)).toEqual(['before', 'after 1', 'after 2']);
    a.stop();
    await a.done;
    await expect.poll(() => cw.openLiveTails).toBe(0);
  });

  it('shares one session between follows of one target; one stopping leaves the other running', async () => {
    const { cw, hub, source } = await setUp();
    const a = follow(source, 'prod');
    await expect.poll(() => a.notices).toContainEqual({ kind: 'live', viewers: 1 });
    const b = follow(source, 'prod');
    await expect.poll(() => b.notices).toContainEqual({ kind: 'live', viewers: 2 });
    const other = follow(source, 'prod', 'ERROR');
    await expect.poll(() => other.notices).toContainEqual({ kind: 'live', viewers: 1 });
    expect(cw.liveTailSessions).toHaveLength(2);
    expect(hub.open).toBe(2);

    a.stop();
    await a.done;
    put(cw, '/ecs/api', 'ERROR still watched');
    await expect.poll(() => b.events.map((e) => e.message)).toContain('ERROR still watched');
    await expect.poll(() => other.events.map((e) => e.message)).toContain('ERROR still watched');
    expect(a.events.map((e) => e.message)).not.toContain('ERROR still watched');
    expect(cw.liveTailSessions.filter((s) => s.endedBy === undefined)).toHaveLength(2);

    b.stop();
    await b.done;
    await expect.poll(() => cw.liveTailSessions[0]?.endedBy).toBe('client');
    expect(cw.liveTailSessions[1]?.endedBy).toBeUndefined();
    other.stop();
    await other.done;
  });

  it('polls instead, and says why, when CloudWatch refuses Live Tail', async () => {
    const { cw, source } = await setUp();
    cw.injectFailure({ operation: 'StartLiveTail', kind: 'denied' });
    put(cw, '/ecs/api', 'old');
    const a = follow(source, 'prod');
    await expect.poll(() => a.notices[0]).toMatchObject({ kind: 'polling' });
    expect((a.notices[0] as { reason: string }).reason).toContain('AccessDeniedException');
    put(cw, '/ecs/api', 'new');
    await expect.poll(() => a.events.map((e) => e.message)).toEqual(['old', 'new']);
    expect(cw.requests.map((r) => r.operation)).toContain('FilterLogEvents');
  });

  it('polls instead beyond its cap of sessions, without asking CloudWatch', async () => {
    const { cw, source } = await setUp({}, 1);
    const a = follow(source, 'prod');
    await expect.poll(() => a.notices).toContainEqual({ kind: 'live', viewers: 1 });
    const b = follow(source, 'staging');
    await expect.poll(() => b.notices[0]).toMatchObject({ kind: 'polling' });
    expect((b.notices[0] as { reason: string }).reason).toContain('all 1 Live Tail sessions');
    expect(cw.liveTailSessions).toHaveLength(1);
  });

  it('carries on by polling from the last line when the session fails mid-stream', async () => {
    const { cw, source } = await setUp();
    const a = follow(source, 'prod');
    await expect.poll(() => a.notices).toContainEqual({ kind: 'live', viewers: 1 });
    put(cw, '/ecs/api', 'live line');
    await expect.poll(() => a.events.map((e) => e.message)).toEqual(['live line']);
    cw.failLiveTails();
    await expect.poll(() => a.notices.at(-1)).toMatchObject({ kind: 'polling' });
    put(cw, '/ecs/api', 'polled line');
    await expect.poll(() => a.events.map((e) => e.message)).toEqual(['live line', 'polled line']);
  });

  it('says when CloudWatch samples the stream, and when it stops', async () => {
    const { cw, source } = await setUp({ liveTail: { updateMs: 50, maxEventsPerUpdate: 5 } });
    const a = follow(source, 'prod');
    await expect.poll(() => a.notices).toContainEqual({ kind: 'live', viewers: 1 });
    put(cw, '/ecs/api', ...Array.from({ length: 20 }, (_, i) => `busy ${i}`));
    await expect.poll(() => a.notices).toContainEqual({ kind: 'sampled', share: undefined, perSecond: 500 });
    expect(a.events).toHaveLength(5);
    put(cw, '/ecs/api', 'quiet');
    await expect.poll(() => a.notices.at(-1)).toEqual({ kind: 'unsampled' });
  });

  describe('measures the share shown while CloudWatch samples', () => {
    // 100 events a second shown at most (5 every 50 ms), of 400 a second written: about a quarter.
    const busy = { liveTail: { updateMs: 50, maxEventsPerUpdate: 5 }, ingestionDelayMs: 20 };
    const timing = { windowMs: 1000, settleMs: 400, everyMs: 60_000 };
    const calls: string[] = [];
    const admit: FilterAdmission = (call, urgency) => {
      calls.push(urgency);
      return call();
    };
    const sampledNotices = (notices: FollowNotice[]) =>
      notices.filter((n): n is Extract<FollowNotice, { kind: 'sampled' }> => n.kind === 'sampled');

    it('counts a settled window with FilterLogEvents, through the quota, and says what share was shown', async () => {
      calls.length = 0;
      const { cw, source } = await setUp(busy, 10, { admit, clock, timing });
      const a = follow(source, 'prod');
      await expect.poll(() => a.notices).toContainEqual({ kind: 'live', viewers: 1 });
      const writer = cw.generate({ group: '/ecs/api', streams: ['web/1', 'web/2'], eventsPerSecond: 400, tickMs: 10 });
      try {
        await expect
          .poll(() => sampledNotices(a.notices)[0])
          .toEqual({ kind: 'sampled', share: undefined, perSecond: 500 });
        await expect.poll(() => sampledNotices(a.notices)[1]?.measured, { timeout: 5000 }).toBeDefined();
      } finally {
        writer.stop();
      }
      const notice = sampledNotices(a.notices)[1]!;
      const { shown, matched, from, to } = notice.measured!;
      expect(to.getTime() - from.getTime()).toBe(timing.windowMs);
      const inWindow = (e: { timestamp: number }) => e.timestamp >= from.getTime() && e.timestamp < to.getTime();
      expect(matched).toBe(cw.events('/ecs/api').filter(inWindow).length);
      expect(shown).toBe(a.events.filter(inWindow).length);
      expect(notice.share).toBeCloseTo(shown / matched, 6);
      expect(notice.share).toBeGreaterThan(0.1);
      expect(notice.share).toBeLessThan(0.5);
      // Every count went through the account's quota, as a call that yields to snapshots people wait for.
      expect(calls.length).toBeGreaterThan(0);
      expect(new Set(calls)).toEqual(new Set(['bulk']));
      // Measured once while the share holds still: the next measurement is a minute away.
      expect(sampledNotices(a.notices)).toHaveLength(2);
    });

    it('measures again while sampling lasts, and says so only when the share moved by 10 points', async () => {
      // Windows of 3 s: a 1 s window's share swings with how evenly a busy machine runs the generator's ticks.
      const often = { ...timing, windowMs: 3000, everyMs: 300 };
      const { cw, source } = await setUp(busy, 10, { admit, clock, timing: often });
      const a = follow(source, 'prod');
      await expect.poll(() => a.notices).toContainEqual({ kind: 'live', viewers: 1 });
      const first = cw.generate({ group: '/ecs/api', streams: ['web/1'], eventsPerSecond: 400, tickMs: 10 });
      let second: { stop(): void } | undefined;
      try {
        await expect.poll(() => sampledNotices(a.notices)[1]?.measured, { timeout: 15_000 }).toBeDefined();
        const measurements = () => calls.length;
        const before = measurements();
        // Measured again once a new window settled: with the rate unchanged, the share stays within 10 points.
        await expect.poll(measurements, { timeout: 15_000 }).toBeGreaterThan(before + 1);
        expect(sampledNotices(a.notices)).toHaveLength(2);
        // Six times the rate, started before the first stops so sampling never pauses: a sixth of the share.
        second = cw.generate({ group: '/ecs/api', streams: ['web/2'], eventsPerSecond: 2000, tickMs: 10 });
        await expect.poll(() => sampledNotices(a.notices)[2]?.share, { timeout: 15_000 }).toBeLessThan(0.1);
      } finally {
        first.stop();
        second?.stop();
      }
      expect(a.notices.filter((n) => n.kind === 'unsampled')).toEqual([]);
    }, 60_000);

    it("keeps today's words when the count fails", async () => {
      const { cw, source } = await setUp(busy, 10, { admit, clock, timing });
      const a = follow(source, 'prod');
      await expect.poll(() => a.notices).toContainEqual({ kind: 'live', viewers: 1 });
      const writer = cw.generate({ group: '/ecs/api', streams: ['web/1'], eventsPerSecond: 400, tickMs: 10 });
      try {
        await expect.poll(() => sampledNotices(a.notices)).toHaveLength(1);
        // The history was read before sampling began; from here on every FilterLogEvents call is a count.
        cw.injectFailure({ operation: 'FilterLogEvents', kind: 'denied', times: Infinity });
        const denied = () => cw.requests.filter((r) => r.errorType === 'AccessDeniedException').length;
        await expect.poll(denied, { timeout: 15_000 }).toBeGreaterThan(0);
        await clock.sleep(200);
      } finally {
        writer.stop();
      }
      expect(sampledNotices(a.notices)).toEqual([{ kind: 'sampled', share: undefined, perSecond: 500 }]);
    }, 60_000);
  });
});
