import { describe, expect, it } from 'vitest';
import type { CloudWatchLogsEmulator } from '../../src/sandbox/cloudwatch/index.ts';
import { failure, items, ok, startCloudWatch, type Body } from './cloudwatch-harness.ts';

/** Every page of a Describe* listing, following `nextToken`. */
async function listAll(cw: CloudWatchLogsEmulator, operation: string, key: string, input: Body) {
  const names: string[] = [];
  let pages = 0;
  let nextToken: string | undefined;
  do {
    const page = await ok(cw, operation, { ...input, ...(nextToken ? { nextToken } : {}) });
    pages += 1;
    names.push(...(page[key] as Body[]).map((item) => (item.logGroupName ?? item.logStreamName) as string));
    nextToken = page.nextToken as string | undefined;
  } while (nextToken);
  return { names, pages };
}

describe('CloudWatch Logs emulator: DescribeLogGroups', () => {
  it('lists groups by name, filtered by prefix or pattern, paged by limit', async () => {
    const cw = await startCloudWatch();
    for (const name of ['/ecs/web', '/ecs/api', '/lambda/jobs', '/ecs/worker', '/aws/ECS/legacy']) cw.createGroup(name);
    expect(await listAll(cw, 'DescribeLogGroups', 'logGroups', { limit: 2 })).toEqual({
      names: ['/aws/ECS/legacy', '/ecs/api', '/ecs/web', '/ecs/worker', '/lambda/jobs'],
      pages: 3,
    });
    expect((await listAll(cw, 'DescribeLogGroups', 'logGroups', { logGroupNamePrefix: '/ecs/' })).names).toEqual([
      '/ecs/api',
      '/ecs/web',
      '/ecs/worker',
    ]);
    expect((await listAll(cw, 'DescribeLogGroups', 'logGroups', { logGroupNamePattern: 'ecs' })).names).toEqual([
      '/aws/ECS/legacy',
      '/ecs/api',
      '/ecs/web',
      '/ecs/worker',
    ]);
    expect((await failure(cw, 'DescribeLogGroups', { logGroupNamePrefix: '/e', logGroupNamePattern: 'e' })).type).toBe(
      'InvalidParameterException',
    );
    expect((await failure(cw, 'DescribeLogGroups', { limit: 51 })).type).toBe('InvalidParameterException');
    expect((await failure(cw, 'DescribeLogGroups', { nextToken: 'garbage' })).type).toBe('InvalidParameterException');
  });

  it('reports stored bytes', async () => {
    const cw = await startCloudWatch();
    cw.put('/ecs/api', 'web-1', [{ timestamp: 1, message: 'héllo' }]);
    const logGroups = items(await ok(cw, 'DescribeLogGroups'), 'logGroups');
    expect(logGroups[0]).toMatchObject({ logGroupName: '/ecs/api', storedBytes: 6, metricFilterCount: 0 });
  });
});

describe('CloudWatch Logs emulator: DescribeLogStreams', () => {
  async function seeded() {
    const cw = await startCloudWatch();
    cw.put('/ecs/api', 'web-b', [{ timestamp: 3000, message: 'b' }]);
    cw.put('/ecs/api', 'web-a', [
      { timestamp: 1000, message: 'a1' },
      { timestamp: 5000, message: 'a2' },
    ]);
    cw.put('/ecs/api', 'worker', [{ timestamp: 2000, message: 'w' }]);
    return cw;
  }

  it('orders by name by default, with event times and ARNs', async () => {
    const cw = await seeded();
    const logStreams = items(await ok(cw, 'DescribeLogStreams', { logGroupName: '/ecs/api' }), 'logStreams');
    expect(logStreams.map((s) => s.logStreamName)).toEqual(['web-a', 'web-b', 'worker']);
    expect(logStreams[0]).toMatchObject({
      firstEventTimestamp: 1000,
      lastEventTimestamp: 5000,
      arn: 'arn:aws:logs:us-east-1:123456789012:log-group:/ecs/api:log-stream:web-a',
      uploadSequenceToken: expect.stringMatching(/^\d{56}$/),
    });
    expect(logStreams[0]?.lastIngestionTime).toEqual(expect.any(Number));
  });

  it('filters by prefix, orders by last event time, descending, and pages', async () => {
    const cw = await seeded();
    const input = { logGroupIdentifier: 'arn:aws:logs:us-east-1:123456789012:log-group:/ecs/api' };
    expect(
      (await listAll(cw, 'DescribeLogStreams', 'logStreams', { ...input, logStreamNamePrefix: 'web' })).names,
    ).toEqual(['web-a', 'web-b']);
    expect(
      (await listAll(cw, 'DescribeLogStreams', 'logStreams', { ...input, orderBy: 'LastEventTime' })).names,
    ).toEqual(['worker', 'web-b', 'web-a']);
    expect(
      await listAll(cw, 'DescribeLogStreams', 'logStreams', {
        ...input,
        orderBy: 'LastEventTime',
        descending: true,
        limit: 1,
      }),
    ).toEqual({
      names: ['web-a', 'web-b', 'worker'],
      pages: 3,
    });
  });

  it('refuses a prefix with LastEventTime order, unknown orders and missing groups', async () => {
    const cw = await seeded();
    expect(
      await failure(cw, 'DescribeLogStreams', {
        logGroupName: '/ecs/api',
        orderBy: 'LastEventTime',
        logStreamNamePrefix: 'w',
      }),
    ).toMatchObject({
      type: 'InvalidParameterException',
      message: 'Cannot order by LastEventTime with a logStreamNamePrefix.',
    });
    expect((await failure(cw, 'DescribeLogStreams', { logGroupName: '/ecs/api', orderBy: 'Size' })).type).toBe(
      'InvalidParameterException',
    );
    expect((await failure(cw, 'DescribeLogStreams', { logGroupName: '/nope' })).type).toBe('ResourceNotFoundException');
  });
});
