import {
  CloudWatchLogsClient,
  type LiveTailSessionUpdate,
  LimitExceededException,
  SessionStreamingException,
  SessionTimeoutException,
  StartLiveTailCommand,
  type StartLiveTailResponseStream,
} from '@aws-sdk/client-cloudwatch-logs';
import { afterEach, describe, expect, it } from 'vitest';
import type { CloudWatchLogsEmulator } from '../../src/sandbox/cloudwatch/index.ts';
import { call, startCloudWatch } from './cloudwatch-harness.ts';

const clients: CloudWatchLogsClient[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
});

// The SDK sends StartLiveTail to a `stream-` host prefix; a local endpoint has none.
function sdk(cw: CloudWatchLogsEmulator): CloudWatchLogsClient {
  const client = new CloudWatchLogsClient({
    region: 'us-east-1',
    endpoint: cw.url,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    disableHostPrefix: true,
    maxAttempts: 1,
  });
  clients.push(client);
  return client;
}

type Event = StartLiveTailResponseStream;

/** Reads events until `enough` says so, then stops the session by aborting the request. */
async function read(
  client: CloudWatchLogsClient,
  input: StartLiveTailCommand['input'],
  enough: (events: Event[]) => boolean,
  during?: () => void,
): Promise<Event[]> {
  const abort = new AbortController();
  const out = await client.send(new StartLiveTailCommand(input), { abortSignal: abort.signal });
  const events: Event[] = [];
  during?.();
  try {
    for await (const event of out.responseStream ?? []) {
      events.push(event);
      if (enough(events)) break;
    }
  } finally {
    abort.abort();
  }
  return events;
}

const updates = (events: Event[]): LiveTailSessionUpdate[] =>
  events.flatMap((e) => (e.sessionUpdate ? [e.sessionUpdate] : []));
const messages = (events: Event[]): string[] =>
  updates(events).flatMap((u) => (u.sessionResults ?? []).map((r) => r.message ?? ''));

describe('StartLiveTail through the AWS SDK', () => {
  it('starts a session, then streams what is stored, filtered, once a tick', async () => {
    const cw = await startCloudWatch({ liveTail: { updateMs: 40 } });
    cw.createGroup('/ecs/api');
    const events = await read(
      sdk(cw),
      { logGroupIdentifiers: ['/ecs/api'], logEventFilterPattern: 'ERROR' },
      (all) => messages(all).length >= 2,
      () => {
        cw.put('/ecs/api', 'web/1', [
          { timestamp: 1_000, message: 'INFO ok' },
          { timestamp: 1_001, message: 'ERROR one' },
        ]);
        cw.put('/ecs/api', 'web/2', [{ timestamp: 1_002, message: 'ERROR two' }]);
      },
    );
    const start = events[0]?.sessionStart;
    expect(start?.sessionId).toBe(cw.liveTailSessions[0]?.sessionId);
    expect(start).toMatchObject({ logGroupIdentifiers: ['/ecs/api'], logEventFilterPattern: 'ERROR' });
    expect(messages(events)).toEqual(['ERROR one', 'ERROR two']);
    const first = updates(events).flatMap((u) => u.sessionResults ?? [])[0];
    expect(first).toMatchObject({ logStreamName: 'web/1', logGroupIdentifier: '/ecs/api', timestamp: 1_001 });
    expect(typeof first?.ingestionTime).toBe('number');
    expect(updates(events).every((u) => u.sessionMetadata?.sampled === false)).toBe(true);
  });

  it('samples an update down to its cap and says so', async () => {
    const cw = await startCloudWatch({ liveTail: { updateMs: 40, maxEventsPerUpdate: 10 } });
    cw.createGroup('/ecs/api');
    const batch = Array.from({ length: 50 }, (_, i) => ({ timestamp: 5_000 + i, message: `line ${i}` }));
    const events = await read(
      sdk(cw),
      { logGroupIdentifiers: ['arn:aws:logs:us-east-1:123456789012:log-group:/ecs/api'] },
      (all) => messages(all).length > 0,
      () => cw.put('/ecs/api', 'web/1', batch),
    );
    const full = updates(events).find((u) => (u.sessionResults ?? []).length > 0);
    expect(full?.sessionResults).toHaveLength(10);
    expect(full?.sessionMetadata?.sampled).toBe(true);
    expect(full?.sessionResults?.[0]?.message).toBe('line 0');
  });

  it('keeps to streams of the one group it was given', async () => {
    const cw = await startCloudWatch({ liveTail: { updateMs: 40 } });
    cw.createGroup('/ecs/api');
    const events = await read(
      sdk(cw),
      { logGroupIdentifiers: ['/ecs/api'], logStreamNamePrefixes: ['web/'] },
      (all) => messages(all).length > 0,
      () => {
        cw.put('/ecs/api', 'worker/1', [{ timestamp: 1, message: 'worker' }]);
        cw.put('/ecs/api', 'web/1', [{ timestamp: 2, message: 'web' }]);
      },
    );
    expect(messages(events)).toEqual(['web']);
    await expect(
      sdk(cw).send(new StartLiveTailCommand({ logGroupIdentifiers: ['/a', '/b'], logStreamNames: ['x'] })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });

  it('refuses a session beyond the concurrent-session quota with LimitExceededException', async () => {
    const cw = await startCloudWatch({ liveTail: { updateMs: 40, maxSessions: 1 } });
    cw.createGroup('/ecs/api');
    const client = sdk(cw);
    const abort = new AbortController();
    await client.send(new StartLiveTailCommand({ logGroupIdentifiers: ['/ecs/api'] }), { abortSignal: abort.signal });
    const refused = client.send(new StartLiveTailCommand({ logGroupIdentifiers: ['/ecs/api'] }));
    await expect(refused).rejects.toBeInstanceOf(LimitExceededException);
    await expect(refused).rejects.toMatchObject({ message: 'Rate exceeded' });
    abort.abort();
    await expect.poll(() => cw.openLiveTails).toBe(0);
    expect(cw.liveTailSessions[0]?.endedBy).toBe('client');
    const again = await read(client, { logGroupIdentifiers: ['/ecs/api'] }, (all) => all.length > 0);
    expect(again[0]?.sessionStart).toBeDefined();
  });

  it('ends a session past its time with SessionTimeoutException', async () => {
    let now = 1_000_000;
    const cw = await startCloudWatch({ now: () => now, liveTail: { updateMs: 40, maxSessionMs: 60_000 } });
    cw.createGroup('/ecs/api');
    const failed = read(
      sdk(cw),
      { logGroupIdentifiers: ['/ecs/api'] },
      () => false,
      () => {
        now += 60_000;
      },
    );
    await expect(failed).rejects.toBeInstanceOf(SessionTimeoutException);
    expect(cw.liveTailSessions[0]?.endedBy).toBe('timeout');
  });

  it('ends sessions mid-stream with SessionStreamingException when told to', async () => {
    const cw = await startCloudWatch({ liveTail: { updateMs: 40 } });
    cw.createGroup('/ecs/api');
    const failed = read(
      sdk(cw),
      { logGroupIdentifiers: ['/ecs/api'] },
      () => false,
      () => cw.failLiveTails(),
    );
    await expect(failed).rejects.toBeInstanceOf(SessionStreamingException);
  });

  it('answers an unknown group, a missing group list and injected refusals in the JSON error shape', async () => {
    const cw = await startCloudWatch();
    await expect(sdk(cw).send(new StartLiveTailCommand({ logGroupIdentifiers: ['/nope'] }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    expect((await call(cw, 'StartLiveTail', {})).body.__type).toBe('InvalidParameterException');
    cw.createGroup('/ecs/api');
    cw.injectFailure({ operation: 'StartLiveTail', kind: 'denied' });
    await expect(sdk(cw).send(new StartLiveTailCommand({ logGroupIdentifiers: ['/ecs/api'] }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
    expect(cw.liveTailSessions).toEqual([]);
  });
});
