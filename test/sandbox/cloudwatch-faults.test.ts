import { describe, expect, it } from 'vitest';
import { call, failure, ok, startCloudWatch } from './cloudwatch-harness.ts';

const group = { logGroupName: '/ecs/api' };

describe('CloudWatch Logs emulator: throttling and injected failures', () => {
  it('throttles an operation past its TPS with ThrottlingException, then recovers as tokens refill', async () => {
    let now = 1_700_000_000_000;
    const cw = await startCloudWatch({ throttle: { FilterLogEvents: 5 }, now: () => now });
    cw.createGroup('/ecs/api');
    for (let i = 0; i < 5; i += 1) await ok(cw, 'FilterLogEvents', group);
    const throttled = await failure(cw, 'FilterLogEvents', group);
    expect(throttled).toMatchObject({ status: 400, type: 'ThrottlingException', message: 'Rate exceeded' });
    expect(throttled.reply.headers.get('x-amzn-errortype')).toBe('ThrottlingException');
    // Other operations have their own (here: no) limit.
    await ok(cw, 'DescribeLogGroups');

    now += 200; // one token back at 5 per second
    await ok(cw, 'FilterLogEvents', group);
    expect((await call(cw, 'FilterLogEvents', group)).status).toBe(400);
    now += 1000;
    for (let i = 0; i < 5; i += 1) await ok(cw, 'FilterLogEvents', group);
    expect(cw.requests.filter((r) => r.errorType === 'ThrottlingException')).toHaveLength(2);
  });

  it('injects ServiceUnavailableException as a 500, the given number of times, for the given operation', async () => {
    const cw = await startCloudWatch();
    cw.createGroup('/ecs/api');
    cw.injectFailure({ operation: 'FilterLogEvents', times: 2, kind: 'unavailable' });
    await ok(cw, 'DescribeLogGroups');
    for (let i = 0; i < 2; i += 1) {
      const error = await failure(cw, 'FilterLogEvents', group);
      expect(error).toMatchObject({ status: 500, type: 'ServiceUnavailableException' });
      expect(error.reply.headers.get('x-amzn-errortype')).toBe('ServiceUnavailableException');
    }
    await ok(cw, 'FilterLogEvents', group);
    expect(cw.requests.map((r) => `${r.operation} ${r.status}`)).toEqual([
      'DescribeLogGroups 200',
      'FilterLogEvents 500',
      'FilterLogEvents 500',
      'FilterLogEvents 200',
    ]);
  });

  it('injects throttling for any operation until disarmed', async () => {
    const cw = await startCloudWatch();
    const disarm = cw.injectFailure({ times: Infinity, kind: 'throttle' });
    expect((await failure(cw, 'DescribeLogGroups')).type).toBe('ThrottlingException');
    expect((await failure(cw, 'CreateLogGroup', group)).type).toBe('ThrottlingException');
    disarm();
    await ok(cw, 'CreateLogGroup', group);
  });

  it('reset forgets groups, armed failures, throttle state and the request log', async () => {
    // A frozen clock never refills the bucket: only reset can make the second call pass.
    const cw = await startCloudWatch({ throttle: { DescribeLogGroups: 1 }, now: () => 0 });
    cw.put('/ecs/api', 'web-1', [{ timestamp: 1, message: 'x' }]);
    await ok(cw, 'DescribeLogGroups');
    cw.injectFailure({ kind: 'unavailable' });
    cw.reset();
    expect(cw.requests).toEqual([]);
    expect(await ok(cw, 'DescribeLogGroups')).toEqual({ logGroups: [] });
    expect(() => cw.events('/ecs/api')).toThrow(/no log group/);
  });
});
