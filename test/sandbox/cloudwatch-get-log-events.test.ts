import { describe, expect, it } from 'vitest';
import type { CloudWatchLogsEmulator } from '../../src/sandbox/cloudwatch/index.ts';
import { failure, items, ok, startCloudWatch, type Body } from './cloudwatch-harness.ts';

const T0 = 1_700_000_000_000;
const stream = { logGroupName: '/ecs/api', logStreamName: 'web-1' };

async function seeded(): Promise<CloudWatchLogsEmulator> {
  const cw = await startCloudWatch();
  cw.put(
    '/ecs/api',
    'web-1',
    Array.from({ length: 10 }, (_, i) => ({ timestamp: T0 + i * 1000, message: `m${i}` })),
  );
  cw.put('/ecs/api', 'web-2', [{ timestamp: T0, message: 'other stream' }]);
  return cw;
}

/** Pages in one direction until the service hands back the token it was given, as its docs prescribe. */
async function readAll(cw: CloudWatchLogsEmulator, input: Body, direction: 'nextForwardToken' | 'nextBackwardToken') {
  const pages: string[][] = [];
  let page = await ok(cw, 'GetLogEvents', input);
  for (;;) {
    pages.push(items(page, 'events').map((e) => e.message as string));
    const token = page[direction] as string;
    const next = await ok(cw, 'GetLogEvents', {
      ...input,
      startFromHead: direction === 'nextForwardToken',
      nextToken: token,
    });
    if (next[direction] === token) {
      expect(next.events).toEqual([]);
      return pages;
    }
    page = next;
  }
}

describe('CloudWatch Logs emulator: GetLogEvents', () => {
  it('reads one stream from the head with f/ tokens until the same token comes back', async () => {
    const cw = await seeded();
    const first = await ok(cw, 'GetLogEvents', { ...stream, startFromHead: true, limit: 4 });
    expect(items(first, 'events')[0]).toEqual({ timestamp: T0, message: 'm0', ingestionTime: expect.any(Number) });
    expect(first.nextForwardToken).toMatch(/^f\/\d{56}\/s$/);
    expect(first.nextBackwardToken).toMatch(/^b\/\d{56}\/s$/);
    expect(await readAll(cw, { ...stream, startFromHead: true, limit: 4 }, 'nextForwardToken')).toEqual([
      ['m0', 'm1', 'm2', 'm3'],
      ['m4', 'm5', 'm6', 'm7'],
      ['m8', 'm9'],
    ]);
  });

  it('returns the newest events by default and pages backwards with b/ tokens', async () => {
    const cw = await seeded();
    expect(await readAll(cw, { ...stream, limit: 4 }, 'nextBackwardToken')).toEqual([
      ['m6', 'm7', 'm8', 'm9'],
      ['m2', 'm3', 'm4', 'm5'],
      ['m0', 'm1'],
    ]);
  });

  it('sees events written after the end was reached when paging forward again', async () => {
    const cw = await seeded();
    const head = await ok(cw, 'GetLogEvents', { ...stream, startFromHead: true });
    cw.put('/ecs/api', 'web-1', [{ timestamp: T0 + 20_000, message: 'm20' }]);
    const more = await ok(cw, 'GetLogEvents', { ...stream, nextToken: head.nextForwardToken });
    expect(items(more, 'events').map((e) => e.message)).toEqual(['m20']);
  });

  it('takes startTime inclusive and endTime exclusive', async () => {
    const cw = await seeded();
    const page = await ok(cw, 'GetLogEvents', {
      ...stream,
      startTime: T0 + 2000,
      endTime: T0 + 5000,
      startFromHead: true,
    });
    expect(items(page, 'events').map((e) => e.message)).toEqual(['m2', 'm3', 'm4']);
    const latest = await ok(cw, 'GetLogEvents', { ...stream, startTime: T0 + 2000, endTime: T0 + 5000, limit: 2 });
    expect(items(latest, 'events').map((e) => e.message)).toEqual(['m3', 'm4']);
  });

  it('refuses missing streams, bad tokens and limits', async () => {
    const cw = await seeded();
    expect((await failure(cw, 'GetLogEvents', { logGroupName: '/ecs/api' })).type).toBe('InvalidParameterException');
    expect((await failure(cw, 'GetLogEvents', { ...stream, logStreamName: 'nope' })).type).toBe(
      'ResourceNotFoundException',
    );
    expect((await failure(cw, 'GetLogEvents', { ...stream, nextToken: 'f/123' })).type).toBe(
      'InvalidParameterException',
    );
    expect((await failure(cw, 'GetLogEvents', { ...stream, limit: 10_001 })).type).toBe('InvalidParameterException');
  });
});
