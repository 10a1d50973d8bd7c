import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import type { CloudWatchLogsEmulator, LogEvent, MessageContext } from '../../src/sandbox/cloudwatch/index.ts';
import { startCloudWatch } from './cloudwatch-harness.ts';

const fast = { eventsPerSecond: 2000, tickMs: 5, seed: 42 };

async function atLeast(cw: CloudWatchLogsEmulator, group: string, count: number): Promise<LogEvent[]> {
  return vi.waitFor(
    () => {
      const events = cw.events(group);
      if (events.length < count) throw new Error(`only ${events.length} events yet`);
      return events;
    },
    { timeout: 10_000, interval: 10 },
  );
}

const isError = (message: string): boolean =>
  /^[A-Z]+ \S+ 5\d\d \d+ms/.test(message) || message.includes('"level":"error"') || message.startsWith('ERROR ');

describe('CloudWatch Logs emulator: log generator', () => {
  it('writes access-log and JSON lines over the given streams, each ingested no earlier than its time', async () => {
    const cw = await startCloudWatch();
    const generator = cw.generate({ group: '/ecs/api', streams: ['web-1', 'web-2', 'web-3'], ...fast });
    const events = await atLeast(cw, '/ecs/api', 400);
    generator.stop();
    expect(new Set(events.map((e) => e.logStreamName))).toEqual(new Set(['web-1', 'web-2', 'web-3']));
    expect(events.some((e) => /^(GET|POST) \/\S* 20[01] \d+ms request_id=[0-9a-f-]{36}$/.test(e.message))).toBe(true);
    const json = events
      .filter((e) => e.message.startsWith('{'))
      .map((e) => JSON.parse(e.message) as Record<string, unknown>);
    expect(json.length).toBeGreaterThan(0);
    expect(json[0]).toMatchObject({ level: expect.any(String), msg: expect.any(String), status: expect.any(Number) });
    expect(events.every((e) => e.timestamp <= e.ingestionTime)).toBe(true);
    expect(new Set(events.map((e) => e.message.match(/[0-9a-f]{8}-[0-9a-f-]{27}/)?.[0])).size).toBe(events.length);
  });

  it('stamps events up to the ingestion delay early, so some arrive after events with later timestamps', async () => {
    const cw = await startCloudWatch({ ingestionDelayMs: 2000 });
    cw.generate({ group: '/ecs/api', streams: ['web-1'], ...fast });
    const events = await atLeast(cw, '/ecs/api', 200);
    cw.stopGenerators();
    const late = events.some((a) => events.some((b) => a.timestamp > b.timestamp && a.ingestionTime < b.ingestionTime));
    expect(late).toBe(true);
  });

  it('turns events into failures during error bursts', async () => {
    const cw = await startCloudWatch();
    // A burst as long as its period never ends; without bursts and with no base error share, nothing fails.
    const endless = { everyMs: 60_000, durationMs: 60_000, errorShare: 1 };
    cw.generate({ group: '/burst', streams: ['web-1'], errorBurst: endless, secretShare: 0, ...fast });
    cw.generate({ group: '/calm', streams: ['web-1'], baseErrorShare: 0, secretShare: 0, ...fast });
    const burst = await atLeast(cw, '/burst', 200);
    const calm = await atLeast(cw, '/calm', 200);
    cw.stopGenerators();
    expect(burst.every((e) => isError(e.message))).toBe(true);
    expect(burst.some((e) => e.message.includes('\n    at '))).toBe(true);
    expect(calm.some((e) => isError(e.message))).toBe(false);
  });

  it('leaks fake secrets of every kind for redaction tests', async () => {
    const cw = await startCloudWatch();
    cw.generate({ group: '/ecs/api', streams: ['web-1'], secretShare: 1, ...fast });
    const events = await atLeast(cw, '/ecs/api', 60);
    cw.stopGenerators();
    const kinds = [/Authorization: Bearer eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/, /password=hunter2/, /AKIA[A-Z2-7]{16}/];
    expect(events.every((e) => kinds.some((k) => k.test(e.message)))).toBe(true);
    for (const kind of kinds) expect(events.some((e) => kind.test(e.message))).toBe(true);
  });

  it('builds messages with a custom function', async () => {
    const cw = await startCloudWatch();
    const messages = (ctx: MessageContext) => `${ctx.stream} #${ctx.index} ${ctx.error ? 'bad' : 'good'}`;
    cw.generate({ group: '/ecs/api', streams: ['a', 'b'], ...fast, messages });
    const events = await atLeast(cw, '/ecs/api', 20);
    cw.stopGenerators();
    expect(events.every((e) => e.message.startsWith(`${e.logStreamName} #`))).toBe(true);
  });

  it('stops writing on stop, stopGenerators and close', async () => {
    const cw = await startCloudWatch();
    const one = cw.generate({ group: '/one', streams: ['s'], ...fast });
    cw.generate({ group: '/two', streams: ['s'], ...fast });
    await atLeast(cw, '/one', 10);
    await atLeast(cw, '/two', 10);
    one.stop();
    cw.stopGenerators();
    const counts = [cw.events('/one').length, cw.events('/two').length];
    await sleep(50); // ten ticks
    expect([cw.events('/one').length, cw.events('/two').length]).toEqual(counts);

    cw.generate({ group: '/three', streams: ['s'], ...fast });
    await atLeast(cw, '/three', 10);
    await cw.close();
    const count = cw.events('/three').length;
    await sleep(50);
    expect(cw.events('/three')).toHaveLength(count);
  });
});
