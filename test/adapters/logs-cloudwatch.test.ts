import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { describe, expect, it, vi } from 'vitest';
import {
  CloudWatchLogSource,
  type CloudWatchLogSourceOptions,
  createCloudWatchClient,
} from '../../src/adapters/logs-cloudwatch/index.ts';
import { BackendError, UserError } from '../../src/core/errors.ts';
import type { Logger } from '../../src/ports/logger.ts';
import type { LogEvent, LogQuery } from '../../src/ports/logs.ts';
import type { CloudWatchLogsEmulator } from '../../src/sandbox/cloudwatch/index.ts';
import { epochMs, ManualClock, pinnedClock, WEEKDAY } from '../helpers/clock.ts';
import { startCloudWatch as startEmulator } from '../sandbox/cloudwatch-harness.ts';

const GROUP = '/ecs/api';
const T0 = 1_700_000_000_000;
const prod = { service: 'api', env: 'prod' };
// The emulator stamps ingestion and generated events with the source's clock, as CloudWatch and the bot
// share real time.
const clock = pinnedClock(WEEKDAY);
const now = () => clock.now().getTime();
const startCloudWatch = (options: Parameters<typeof startEmulator>[0] = {}) =>
  startEmulator({ now: epochMs(clock), ...options });

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  const log: Logger & { warnings: string[] } = {
    warnings,
    debug() {},
    info() {},
    warn: (_obj, msg) => void warnings.push(msg ?? ''),
    error() {},
    child: () => log,
  };
  return log;
}

const clientFor = (cw: CloudWatchLogsEmulator) =>
  createCloudWatchClient({
    region: 'us-east-1',
    endpoint: cw.url,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });

function sourceFor(cw: CloudWatchLogsEmulator, extra: Partial<CloudWatchLogSourceOptions> = {}) {
  return new CloudWatchLogSource({
    client: clientFor(cw),
    group: (env) => `/ecs/api${env === 'prod' ? '' : `-${env}`}`,
    pollMs: 50,
    clock,
    log: recordingLogger(),
    ...extra,
  });
}

/** The client, with each call answered `ms` later (or cancelled by its abort signal before then). */
function slowed(client: CloudWatchLogsClient, ms: number): CloudWatchLogsClient {
  const send = client.send.bind(client);
  vi.spyOn(client, 'send').mockImplementation((async (command: never, options: { abortSignal?: AbortSignal }) => {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, ms);
      options.abortSignal?.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          reject(Object.assign(new Error('Request aborted'), { name: 'AbortError' }));
        },
        { once: true },
      );
    });
    return send(command, options as never);
  }) as never);
  return client;
}

const query = (since: number, extra: Partial<LogQuery> = {}): LogQuery => ({
  target: prod,
  since: new Date(since),
  ...extra,
});

/** Follows until `done` says the collected events are complete, then aborts; returns the batches. */
async function followUntil(
  source: CloudWatchLogSource,
  q: LogQuery,
  done: (events: LogEvent[]) => boolean,
  timeout = 15_000,
) {
  const abort = new AbortController();
  const batches: LogEvent[][] = [];
  const following = source.follow(q, abort.signal, (events) => void batches.push(events));
  await vi.waitFor(() => expect(done(batches.flat())).toBe(true), { timeout, interval: 20 });
  abort.abort();
  await following;
  return batches;
}

describe('CloudWatchLogSource snapshot', () => {
  it('returns the newest N events oldest first, and says when older ones were left out', async () => {
    const cw = await startCloudWatch();
    const stored = cw.put(
      GROUP,
      'web-1',
      Array.from({ length: 50 }, (_, i) => ({ timestamp: T0 + i * 10, message: `line ${i}` })),
    );
    const source = sourceFor(cw);

    const newest = await source.snapshot(query(T0), 10);
    expect(newest).toEqual({ events: expect.any(Array), olderLeftOut: true });
    expect(newest.events.map((e) => e.id)).toEqual(stored.slice(-10).map((e) => e.eventId));
    expect(newest.events[0]).toEqual({
      id: stored[40]!.eventId,
      timestamp: T0 + 400,
      message: 'line 40',
      origin: 'web-1',
    });

    const all = await source.snapshot(query(T0 + 100), 100);
    expect(all).toEqual({ events: expect.any(Array), olderLeftOut: false });
    expect(all.events.map((e) => e.message)).toEqual(stored.slice(10).map((e) => e.message));
  });

  it('pages on through empty pages that carry a nextToken', async () => {
    const cw = await startCloudWatch({ segmentSize: 5 });
    // 100 events, 3 of which match, far apart: most pages in between come back empty with a token.
    cw.put(
      GROUP,
      'web-1',
      Array.from({ length: 100 }, (_, i) => ({
        timestamp: T0 + i,
        message: [3, 51, 98].includes(i) ? `ERROR ${i}` : `ok ${i}`,
      })),
    );
    const result = await sourceFor(cw).snapshot(query(T0, { grep: 'ERROR' }), 100);
    expect(result).toEqual({ events: expect.any(Array), olderLeftOut: false });
    expect(result.events.map((e) => e.message)).toEqual(['ERROR 3', 'ERROR 51', 'ERROR 98']);
    expect(cw.requests.filter((r) => r.operation === 'FilterLogEvents').length).toBeGreaterThanOrEqual(20);
  });

  it('passes grep as a CloudWatch filter pattern and honours the stream prefix', async () => {
    const cw = await startCloudWatch();
    cw.put(GROUP, 'web-1', [
      { timestamp: T0, message: 'GET /orders 500 upstream timeout' },
      { timestamp: T0 + 1, message: 'GET /orders 200' },
      { timestamp: T0 + 2, message: 'upstream ok' },
    ]);
    cw.put(GROUP, 'worker-1', [{ timestamp: T0 + 3, message: 'job 500 upstream timeout' }]);

    const phrase = await sourceFor(cw).snapshot(query(T0, { grep: '"upstream timeout"' }), 10);
    expect(phrase.events.map((e) => `${e.origin}: ${e.message}`)).toEqual([
      'web-1: GET /orders 500 upstream timeout',
      'worker-1: job 500 upstream timeout',
    ]);

    const web = await sourceFor(cw, { streamPrefix: 'web-' }).snapshot(query(T0, { grep: '?500 ?ok' }), 10);
    expect(web.events.map((e) => e.message)).toEqual(['GET /orders 500 upstream timeout', 'upstream ok']);
  });

  it('turns a pattern CloudWatch rejects into a UserError quoting it', async () => {
    const cw = await startCloudWatch();
    cw.put(GROUP, 'web-1', [{ timestamp: T0, message: 'x' }]);
    const error = await sourceFor(cw)
      .snapshot(query(T0, { grep: '[ip, user]' }), 10)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(
      /^CloudWatch rejected the filter pattern "\[ip, user\]": Invalid filter pattern/,
    );
  });

  it('names the log group when it does not exist', async () => {
    const cw = await startCloudWatch();
    const source = sourceFor(cw);
    const error = await source
      .snapshot({ target: { service: 'api', env: 'staging' }, since: new Date(T0) }, 10)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toBe('CloudWatch log group /ecs/api-staging does not exist.');
    expect(source.describe(prod)).toBe('CloudWatch /ecs/api (prod)');
  });

  it('stops at its page budget and says which events were not read: those after the point reached', async () => {
    const cw = await startCloudWatch({ segmentSize: 10 });
    cw.put(
      GROUP,
      'web-1',
      Array.from({ length: 100 }, (_, i) => ({ timestamp: T0 + i, message: `line ${i}` })),
    );
    const log = recordingLogger();
    const result = await sourceFor(cw, { snapshotMaxPages: 3, log }).snapshot(query(T0), 5);
    expect(result.events.map((e) => e.message)).toEqual(['line 25', 'line 26', 'line 27', 'line 28', 'line 29']);
    expect(result.olderLeftOut).toBe(true);
    expect(result.unread).toEqual({ readUpTo: new Date(T0 + 29), reason: 'its page budget (3 pages)' });
    expect(log.warnings).toEqual([expect.stringContaining('events after the point reached were not read')]);

    // All that was read fits: nothing older was left out, but the newer events still were not read.
    const roomy = await sourceFor(cw, { snapshotMaxPages: 3 }).snapshot(query(T0), 100);
    expect(roomy.events).toHaveLength(30);
    expect(roomy).toMatchObject({ olderLeftOut: false, unread: { readUpTo: new Date(T0 + 29) } });
  });

  it('stops at its time budget and says how far it read', async () => {
    const cw = await startCloudWatch({ segmentSize: 10 });
    cw.put(
      GROUP,
      'web-1',
      Array.from({ length: 200 }, (_, i) => ({ timestamp: T0 + i, message: `line ${i}` })),
    );
    // 20 pages at 50 ms each cannot fit in 500 ms.
    const result = await sourceFor(cw, { client: slowed(clientFor(cw), 50), snapshotBudgetMs: 500 }).snapshot(
      query(T0),
      200,
    );
    const read = result.events.length;
    expect(read).toBeGreaterThanOrEqual(10);
    expect(read).toBeLessThan(200);
    expect(result.events.map((e) => e.message)).toEqual(Array.from({ length: read }, (_, i) => `line ${i}`));
    expect(result).toMatchObject({
      olderLeftOut: false,
      unread: { readUpTo: new Date(T0 + read - 1), reason: 'its time budget (500 ms)' },
    });
  });

  it('rejects when CloudWatch fails until the budget runs out, instead of answering with no events', async () => {
    const cw = await startCloudWatch();
    cw.put(GROUP, 'web-1', [{ timestamp: T0, message: 'hello' }]);
    cw.injectFailure({ operation: 'FilterLogEvents', kind: 'unavailable', times: Infinity });
    const error = await sourceFor(cw, { snapshotBudgetMs: 1_500 })
      .snapshot(query(T0), 10)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as Error).message).toMatch(
      /^CloudWatch FilterLogEvents on \/ecs\/api failed: ServiceUnavailableException: /,
    );
  });

  it('rejects when CloudWatch does not answer within the budget', async () => {
    const cw = await startCloudWatch();
    cw.put(GROUP, 'web-1', [{ timestamp: T0, message: 'hello' }]);
    const error = await sourceFor(cw, { client: slowed(clientFor(cw), 60_000), snapshotBudgetMs: 200 })
      .snapshot(query(T0), 10)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as Error).message).toBe(
      "CloudWatch FilterLogEvents on /ecs/api failed: TimeoutError: no answer within the snapshot's 200 ms",
    );
  });

  it('keeps what it read when CloudWatch starts failing midway, and says why the rest was not read', async () => {
    const cw = await startCloudWatch({ segmentSize: 10 });
    cw.put(
      GROUP,
      'web-1',
      Array.from({ length: 100 }, (_, i) => ({ timestamp: T0 + i, message: `line ${i}` })),
    );
    const client = clientFor(cw);
    const send = client.send.bind(client);
    let pages = 0;
    vi.spyOn(client, 'send').mockImplementation((async (command: never, options: never) => {
      const answer = await send(command, options);
      if (++pages === 2) cw.injectFailure({ operation: 'FilterLogEvents', kind: 'unavailable', times: Infinity });
      return answer;
    }) as never);
    const result = await sourceFor(cw, { client, snapshotBudgetMs: 1_500 }).snapshot(query(T0), 100);
    expect(result.events).toHaveLength(20);
    expect(result.unread).toEqual({
      readUpTo: new Date(T0 + 19),
      reason: expect.stringMatching(
        /^its time budget \(1500 ms\) while CloudWatch kept failing \(ServiceUnavailableException: /,
      ),
    });
  });

  it('stops at its time budget on its clock, also while backing off from throttling, and reports it', async () => {
    const cw = await startCloudWatch();
    cw.put(GROUP, 'web-1', [{ timestamp: T0, message: 'never read' }]);
    cw.injectFailure({ operation: 'FilterLogEvents', kind: 'throttle', times: Infinity });
    const manual = new ManualClock(WEEKDAY);
    const log = recordingLogger();
    const snapshot = sourceFor(cw, { clock: manual, snapshotBudgetMs: 20_000, log }).snapshot(query(T0), 5);
    // Its rejection is awaited below; observed at once, so it never counts as unhandled meanwhile.
    snapshot.catch(() => undefined);
    // The budget and the first backoff both wait on the clock; the 20 s then pass at once.
    await vi.waitFor(() => expect(manual.sleeping).toBe(2), { timeout: 10_000, interval: 10 });
    await manual.advance(20_000);
    // Nothing was read and CloudWatch kept refusing: an outage, never an empty range.
    await expect(snapshot).rejects.toThrow('ThrottlingException: Rate exceeded');
  });
});

describe('CloudWatchLogSource follow', () => {
  /** Every stored event from `since` on, in the group: what a follow must have delivered exactly once. */
  const storedIds = (cw: CloudWatchLogsEmulator, since: number) =>
    cw
      .events(GROUP)
      .filter((e) => e.timestamp >= since)
      .map((e) => e.eventId);

  function expectExactlyOnce(batches: LogEvent[][], expected: string[]) {
    const delivered = batches.flat().map((e) => e.id);
    expect(new Set(delivered).size).toBe(delivered.length);
    expect([...delivered].sort()).toEqual([...expected].sort());
    for (const batch of batches)
      expect(batch.map((e) => e.timestamp)).toEqual([...batch.map((e) => e.timestamp)].sort((a, b) => a - b));
  }

  it('delivers every event of a busy group exactly once, also those stored after newer ones', async () => {
    const cw = await startCloudWatch({ ingestionDelayMs: 200 });
    cw.createGroup(GROUP);
    const since = now();
    const source = sourceFor(cw, { lateArrivalMs: 1_000 });
    const abort = new AbortController();
    const batches: LogEvent[][] = [];
    const following = source.follow(query(since), abort.signal, (events) => void batches.push(events));
    const generator = cw.generate({
      group: GROUP,
      streams: ['web-1', 'web-2', 'web-3'],
      eventsPerSecond: 400,
      tickMs: 50,
      seed: 7,
    });
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    generator.stop();
    const expected = storedIds(cw, since);
    await vi.waitFor(() => expect(batches.flat().length).toBeGreaterThanOrEqual(expected.length), {
      timeout: 10_000,
      interval: 20,
    });
    abort.abort();
    await following;

    expect(expected.length).toBeGreaterThan(500);
    expectExactlyOnce(batches, expected);
    // The generator stamps events up to 200 ms before storing them; some came in batches after newer events.
    let newest = Number.NEGATIVE_INFINITY;
    let late = 0;
    for (const batch of batches) {
      late += batch.filter((e) => e.timestamp < newest).length;
      newest = Math.max(newest, ...batch.map((e) => e.timestamp));
    }
    expect(late).toBeGreaterThan(0);
  });

  it('follows from `since` through empty pages with tokens, then picks up new events', async () => {
    const cw = await startCloudWatch({ segmentSize: 4 });
    const base = now() - 10_000;
    cw.put(
      GROUP,
      'web-1',
      Array.from({ length: 40 }, (_, i) => ({ timestamp: base + i, message: i % 13 === 0 ? `ERROR ${i}` : `ok ${i}` })),
    );
    const source = sourceFor(cw);
    const abort = new AbortController();
    const messages: string[] = [];
    const following = source.follow(
      query(base, { grep: 'ERROR' }),
      abort.signal,
      (events) => void messages.push(...events.map((e) => e.message)),
    );
    await vi.waitFor(() => expect(messages).toEqual(['ERROR 0', 'ERROR 13', 'ERROR 26', 'ERROR 39']));
    cw.put(GROUP, 'web-2', [
      { timestamp: base + 39, message: 'ERROR late' },
      { timestamp: base + 100, message: 'ERROR new' },
    ]);
    await vi.waitFor(() => expect(messages.slice(4)).toEqual(['ERROR late', 'ERROR new']));
    abort.abort();
    await following;
  });

  it('outlives a throttling burst and 5xx without losing or repeating an event', async () => {
    const cw = await startCloudWatch({ throttle: { FilterLogEvents: 2 } });
    cw.createGroup(GROUP);
    const since = now();
    const generator = cw.generate({
      group: GROUP,
      streams: ['web-1', 'web-2'],
      eventsPerSecond: 200,
      tickMs: 50,
      seed: 11,
    });
    const source = sourceFor(cw, { lateArrivalMs: 1_000 });
    const abort = new AbortController();
    const batches: LogEvent[][] = [];
    const following = source.follow(query(since), abort.signal, (events) => void batches.push(events));
    await new Promise((resolve) => setTimeout(resolve, 700));
    cw.injectFailure({ operation: 'FilterLogEvents', kind: 'throttle', times: 5 });
    cw.injectFailure({ operation: 'FilterLogEvents', kind: 'unavailable', times: 2 });
    await new Promise((resolve) => setTimeout(resolve, 800));
    generator.stop();
    const expected = storedIds(cw, since);
    await vi.waitFor(() => expect(batches.flat().length).toBeGreaterThanOrEqual(expected.length), {
      timeout: 15_000,
      interval: 20,
    });
    abort.abort();
    await following;

    expectExactlyOnce(batches, expected);
    const failures = cw.requests.filter((r) => r.operation === 'FilterLogEvents' && r.status !== 200);
    expect(failures.filter((r) => r.errorType === 'ThrottlingException').length).toBeGreaterThan(5);
    expect(failures.filter((r) => r.errorType === 'ServiceUnavailableException')).toHaveLength(2);
  });

  it('stops rescanning from `since` when nothing matches for a while', async () => {
    const cw = await startCloudWatch({ segmentSize: 10 });
    const since = now() - 3 * 3_600_000;
    cw.put(
      GROUP,
      'web-1',
      Array.from({ length: 100 }, (_, i) => ({ timestamp: since + i * 1000, message: `ok ${i}` })),
    );
    const client = clientFor(cw);
    const sent = vi.spyOn(client, 'send');
    const abort = new AbortController();
    const following = sourceFor(cw, { client }).follow(query(since, { grep: 'ERROR' }), abort.signal, () => {});
    const polls = () =>
      sent.mock.calls
        .map(([command]) => command.input as { startTime: number; nextToken?: string })
        .filter((i) => !i.nextToken);
    await vi.waitFor(() => expect(polls().length).toBeGreaterThanOrEqual(3));
    abort.abort();
    await following;
    // The first poll pages through the old events; later ones start about a minute back, not at `since`.
    expect(polls()[0]!.startTime).toBe(since);
    expect(polls().at(-1)!.startTime).toBeGreaterThan(now() - 120_000);
  });

  it('resolves promptly when aborted while sleeping between polls', async () => {
    const cw = await startCloudWatch();
    cw.put(GROUP, 'web-1', [{ timestamp: T0, message: 'hello' }]);
    // A one-hour poll interval: only an abort that cuts the sleep short lets this test finish.
    const batches = await followUntil(sourceFor(cw, { pollMs: 3_600_000 }), query(T0), (events) => events.length === 1);
    expect(batches).toEqual([[expect.objectContaining({ message: 'hello', origin: 'web-1' })]]);
  });

  it('resolves when aborted while backing off from an outage', async () => {
    const cw = await startCloudWatch();
    cw.createGroup(GROUP);
    cw.injectFailure({ operation: 'FilterLogEvents', kind: 'unavailable', times: Infinity });
    const abort = new AbortController();
    const following = sourceFor(cw, { pollMs: 3_600_000 }).follow(query(T0), abort.signal, () => {});
    await vi.waitFor(() => expect(cw.requests.length).toBeGreaterThan(0));
    abort.abort();
    await expect(following).resolves.toBeUndefined();
  });

  it('rejects with a UserError naming the group when it does not exist', async () => {
    const cw = await startCloudWatch();
    const following = sourceFor(cw).follow(query(T0), new AbortController().signal, () => {});
    await expect(following).rejects.toThrow(new UserError('CloudWatch log group /ecs/api does not exist.'));
  });
});
