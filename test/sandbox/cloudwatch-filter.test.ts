import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../../src/sandbox/cloudwatch/index.ts';
import { failure, filterPages, items, ok, startCloudWatch } from './cloudwatch-harness.ts';

const T0 = 1_700_000_000_000;

describe('CloudWatch Logs emulator: FilterLogEvents paging', () => {
  it('returns empty and partial pages with a nextToken at segment ends; only a missing token ends paging', async () => {
    const cw = await startCloudWatch({ segmentSize: 10 });
    // 95 events; only the first 5 and the last 5 match, so the segments in between scan nothing that matches.
    const events = Array.from({ length: 95 }, (_, i) => ({
      timestamp: T0 + i,
      message: i < 5 || i >= 90 ? `ERROR ${i}` : `ok ${i}`,
    }));
    cw.put('/ecs/api', 'web-1', events);
    const { pages, tokens } = await filterPages(cw, { logGroupName: '/ecs/api', filterPattern: 'ERROR' });
    expect(pages.map((p) => p.length)).toEqual([5, 0, 0, 0, 0, 0, 0, 0, 0, 5]);
    expect(tokens).toBe(9);
    expect(pages.flat().map((e) => e.message)).toEqual([0, 1, 2, 3, 4, 90, 91, 92, 93, 94].map((i) => `ERROR ${i}`));
    // A client that stops at the first empty page would have missed the last five.
    const first = await ok(cw, 'FilterLogEvents', { logGroupName: '/ecs/api', filterPattern: 'ERROR' });
    const second = await ok(cw, 'FilterLogEvents', {
      logGroupName: '/ecs/api',
      filterPattern: 'ERROR',
      nextToken: first.nextToken,
    });
    expect(second).toEqual({ events: [], nextToken: expect.any(String) });
  });

  it('caps pages at limit and returns every event exactly once with unique, stable eventIds', async () => {
    const cw = await startCloudWatch({ segmentSize: 1000 });
    cw.put(
      '/ecs/api',
      'web-1',
      Array.from({ length: 23 }, (_, i) => ({ timestamp: T0 + i * 10, message: `web-1 ${i}` })),
    );
    cw.put(
      '/ecs/api',
      'web-2',
      Array.from({ length: 23 }, (_, i) => ({ timestamp: T0 + i * 10 + 5, message: `web-2 ${i}` })),
    );
    const { pages } = await filterPages(cw, { logGroupName: '/ecs/api', limit: 7 });
    expect(pages.every((p) => p.length <= 7)).toBe(true);
    const all = pages.flat();
    expect(all).toHaveLength(46);
    expect(new Set(all.map((e) => e.eventId)).size).toBe(46);
    expect(all.every((e) => /^\d{56}$/.test(e.eventId))).toBe(true);
    expect(all.map((e) => e.eventId)).toEqual(cw.events('/ecs/api').map((e) => e.eventId));
    const again = await filterPages(cw, { logGroupName: '/ecs/api' });
    expect(again.pages.flat()).toEqual(all);
  });

  it('keeps pages under 1 MB', async () => {
    const cw = await startCloudWatch();
    cw.put(
      '/ecs/api',
      'web-1',
      Array.from({ length: 12 }, (_, i) => ({ timestamp: T0 + i, message: `${i} ${'x'.repeat(200_000)}` })),
    );
    const { pages } = await filterPages(cw, { logGroupName: '/ecs/api' });
    expect(pages.every((p) => JSON.stringify(p).length <= 1_048_576)).toBe(true);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(pages.flat()).toHaveLength(12);
  });

  it('orders by timestamp, then by ingestion, whatever the order events were put in', async () => {
    const cw = await startCloudWatch();
    cw.put('/ecs/api', 'web-2', [
      { timestamp: T0 + 20, message: 'c' },
      { timestamp: T0 + 10, message: 'b1' },
    ]);
    cw.put('/ecs/api', 'web-1', [
      { timestamp: T0 + 10, message: 'b2' },
      { timestamp: T0, message: 'a' },
    ]);
    cw.put('/ecs/api', 'web-3', [{ timestamp: T0 + 10, message: 'b3' }]);
    const { pages } = await filterPages(cw, { logGroupName: '/ecs/api' });
    expect(pages.flat().map((e) => [e.message, e.logStreamName])).toEqual([
      ['a', 'web-1'],
      ['b1', 'web-2'],
      ['b2', 'web-1'],
      ['b3', 'web-3'],
      ['c', 'web-2'],
    ]);
    expect(pages.flat()[0]).toEqual({
      logStreamName: 'web-1',
      timestamp: T0,
      message: 'a',
      ingestionTime: expect.any(Number),
      eventId: expect.any(String),
    } satisfies Record<keyof LogEvent, unknown>);
  });

  it('takes startTime and endTime inclusive, and selects streams by name or prefix', async () => {
    const cw = await startCloudWatch();
    for (const stream of ['web-1', 'web-2', 'worker-1']) {
      cw.put(
        '/ecs/api',
        stream,
        [0, 100, 200, 300].map((d) => ({ timestamp: T0 + d, message: `${stream} ${d}` })),
      );
    }
    const messages = async (input: Record<string, unknown>) =>
      (await filterPages(cw, { logGroupName: '/ecs/api', ...input })).pages.flat().map((e) => e.message);
    expect(await messages({ startTime: T0 + 100, endTime: T0 + 200, logStreamNames: ['web-1'] })).toEqual([
      'web-1 100',
      'web-1 200',
    ]);
    expect(await messages({ startTime: T0 + 250, logStreamNamePrefix: 'web' })).toEqual(['web-1 300', 'web-2 300']);
    expect(await messages({ endTime: T0 - 1 })).toEqual([]);
    const byArn = await filterPages(cw, {
      logGroupIdentifier: 'arn:aws:logs:us-east-1:123456789012:log-group:/ecs/api',
      startTime: T0 + 300,
    });
    expect(byArn.pages.flat()).toHaveLength(3);
  });

  it('does not show a paging in progress events that arrive later with an older timestamp', async () => {
    const cw = await startCloudWatch({ segmentSize: 2 });
    cw.put(
      '/ecs/api',
      'web-1',
      [0, 1, 2, 3].map((d) => ({ timestamp: T0 + d * 10, message: `m${d}` })),
    );
    const first = await ok(cw, 'FilterLogEvents', { logGroupName: '/ecs/api' });
    expect(items(first, 'events').map((e) => e.message)).toEqual(['m0', 'm1']);
    cw.put('/ecs/api', 'web-2', [
      { timestamp: T0 + 5, message: 'late' },
      { timestamp: T0 + 35, message: 'new' },
    ]);
    const rest = await filterPages(cw, { logGroupName: '/ecs/api', nextToken: first.nextToken });
    expect(rest.pages.flat().map((e) => e.message)).toEqual(['m2', 'm3', 'new']);
    expect((await filterPages(cw, { logGroupName: '/ecs/api' })).pages.flat().map((e) => e.message)).toContain('late');
  });

  it.each([
    { name: 'logStreamNames with logStreamNamePrefix', input: { logStreamNames: ['a'], logStreamNamePrefix: 'a' } },
    { name: 'logGroupName with logGroupIdentifier', input: { logGroupIdentifier: '/ecs/api' } },
    { name: 'limit 0', input: { limit: 0 } },
    { name: 'limit 10001', input: { limit: 10_001 } },
    { name: 'a token it did not issue', input: { nextToken: 'bm90LWEtdG9rZW4' } },
    { name: 'a filter pattern over 1024 characters', input: { filterPattern: 'x'.repeat(1025) } },
  ])('refuses $name with InvalidParameterException', async ({ input }) => {
    const cw = await startCloudWatch();
    cw.createGroup('/ecs/api');
    const error = await failure(cw, 'FilterLogEvents', { logGroupName: '/ecs/api', ...input });
    expect(error).toMatchObject({ status: 400, type: 'InvalidParameterException' });
  });

  it('refuses a token issued for another group', async () => {
    const cw = await startCloudWatch({ segmentSize: 1 });
    cw.put('/a', 's', [
      { timestamp: T0, message: 'x' },
      { timestamp: T0 + 1, message: 'y' },
    ]);
    cw.createGroup('/b');
    const { nextToken } = await ok(cw, 'FilterLogEvents', { logGroupName: '/a' });
    expect((await failure(cw, 'FilterLogEvents', { logGroupName: '/b', nextToken })).type).toBe(
      'InvalidParameterException',
    );
  });
});
