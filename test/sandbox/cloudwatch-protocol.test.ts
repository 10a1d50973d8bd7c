import { describe, expect, it } from 'vitest';
import { call, failure, ok, startCloudWatch } from './cloudwatch-harness.ts';

describe('CloudWatch Logs emulator: JSON 1.1 protocol', () => {
  it('answers application/x-amz-json-1.1 with a request id, and an empty body for operations without one', async () => {
    const cw = await startCloudWatch();
    const created = await call(cw, 'CreateLogGroup', { logGroupName: '/ecs/api' });
    expect(created.status).toBe(200);
    expect(created.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(created.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.text).toBe('');
    const listed = await call(cw, 'DescribeLogGroups');
    expect(listed.headers.get('x-amzn-requestid')).not.toBe(created.headers.get('x-amzn-requestid'));
    expect(listed.body.logGroups).toEqual([
      expect.objectContaining({
        logGroupName: '/ecs/api',
        arn: 'arn:aws:logs:us-east-1:123456789012:log-group:/ecs/api:*',
        storedBytes: 0,
      }),
    ]);
  });

  it.each([
    {
      name: 'no Authorization header',
      headers: { authorization: undefined },
      type: 'MissingAuthenticationTokenException',
    },
    {
      name: 'a non-SigV4 Authorization header',
      headers: { authorization: 'Bearer abc' },
      type: 'IncompleteSignatureException',
    },
    {
      name: 'an unknown operation',
      headers: { 'x-amz-target': 'Logs_20140328.DeleteEverything' },
      type: 'UnknownOperationException',
    },
    { name: 'no X-Amz-Target', headers: { 'x-amz-target': undefined }, type: 'UnknownOperationException' },
    { name: 'another content type', headers: { 'content-type': 'application/json' }, type: 'SerializationException' },
  ])('refuses $name with 400 $type, in the error wire shape', async ({ headers, type }) => {
    const cw = await startCloudWatch();
    const { status, reply } = await failure(cw, 'DescribeLogGroups', {}, headers);
    expect(status).toBe(400);
    expect(reply.headers.get('x-amzn-errortype')).toBe(type);
    expect(reply.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(reply.headers.get('x-amzn-requestid')).toBeTruthy();
    expect(Object.keys(reply.body).sort()).toEqual(['__type', 'message']);
    expect(reply.body.__type).toBe(type);
  });

  it('refuses a body that is not a JSON object', async () => {
    const cw = await startCloudWatch();
    expect((await failure(cw, 'DescribeLogGroups', '{"limit":')).type).toBe('SerializationException');
    expect((await failure(cw, 'DescribeLogGroups', '[1]')).type).toBe('SerializationException');
    expect((await failure(cw, 'DescribeLogGroups', { limit: 'ten' })).type).toBe('SerializationException');
  });

  it('names missing groups and streams the way AWS does', async () => {
    const cw = await startCloudWatch();
    expect(await failure(cw, 'FilterLogEvents', { logGroupName: '/nope' })).toMatchObject({
      status: 400,
      type: 'ResourceNotFoundException',
      message: 'The specified log group does not exist.',
    });
    await ok(cw, 'CreateLogGroup', { logGroupName: '/ecs/api' });
    expect(await failure(cw, 'GetLogEvents', { logGroupName: '/ecs/api', logStreamName: 'nope' })).toMatchObject({
      type: 'ResourceNotFoundException',
      message: 'The specified log stream does not exist.',
    });
    expect(await failure(cw, 'CreateLogStream', { logGroupName: '/nope', logStreamName: 'a' })).toMatchObject({
      type: 'ResourceNotFoundException',
    });
  });

  it('refuses duplicates (ResourceAlreadyExistsException) and bad names (InvalidParameterException)', async () => {
    const cw = await startCloudWatch();
    await ok(cw, 'CreateLogGroup', { logGroupName: '/ecs/api' });
    await ok(cw, 'CreateLogStream', { logGroupName: '/ecs/api', logStreamName: 'web-1' });
    expect((await failure(cw, 'CreateLogGroup', { logGroupName: '/ecs/api' })).type).toBe(
      'ResourceAlreadyExistsException',
    );
    expect((await failure(cw, 'CreateLogStream', { logGroupName: '/ecs/api', logStreamName: 'web-1' })).type).toBe(
      'ResourceAlreadyExistsException',
    );
    expect((await failure(cw, 'CreateLogGroup', { logGroupName: 'has space' })).type).toBe('InvalidParameterException');
    expect((await failure(cw, 'CreateLogStream', { logGroupName: '/ecs/api', logStreamName: 'a:b' })).type).toBe(
      'InvalidParameterException',
    );
    expect(await failure(cw, 'CreateLogGroup', {})).toMatchObject({
      type: 'InvalidParameterException',
      message:
        "1 validation error detected: Value null at 'logGroupName' failed to satisfy constraint: " +
        'Member must not be null',
    });
  });

  it('records each call with its operation and status', async () => {
    const cw = await startCloudWatch();
    await call(cw, 'CreateLogGroup', { logGroupName: '/a' });
    await call(cw, 'CreateLogGroup', { logGroupName: '/a' });
    await call(cw, 'DescribeLogGroups', {}, { authorization: undefined });
    expect(cw.requests).toEqual([
      { operation: 'CreateLogGroup', status: 200 },
      { operation: 'CreateLogGroup', status: 400, errorType: 'ResourceAlreadyExistsException' },
      { operation: 'DescribeLogGroups', status: 400, errorType: 'MissingAuthenticationTokenException' },
    ]);
  });
});

describe('CloudWatch Logs emulator: PutLogEvents', () => {
  const HOUR = 3_600_000;

  it('stores the batch and returns a sequence token', async () => {
    const cw = await startCloudWatch();
    await ok(cw, 'CreateLogGroup', { logGroupName: '/ecs/api' });
    await ok(cw, 'CreateLogStream', { logGroupName: '/ecs/api', logStreamName: 'web-1' });
    const now = Date.now();
    const put = await ok(cw, 'PutLogEvents', {
      logGroupName: '/ecs/api',
      logStreamName: 'web-1',
      sequenceToken: 'ignored',
      logEvents: [
        { timestamp: now - 10, message: 'one' },
        { timestamp: now - 10, message: 'two' },
      ],
    });
    expect(put.nextSequenceToken).toMatch(/^\d{56}$/);
    expect(put.rejectedLogEventsInfo).toBeUndefined();
    expect(cw.events('/ecs/api').map((e) => e.message)).toEqual(['one', 'two']);
  });

  it('rejects events too old or too new by index and stores the rest', async () => {
    const cw = await startCloudWatch();
    cw.put('/ecs/api', 'web-1', []);
    const now = Date.now();
    const put2 = await ok(cw, 'PutLogEvents', {
      logGroupName: '/ecs/api',
      logStreamName: 'web-1',
      logEvents: [
        { timestamp: now, message: 'kept' },
        { timestamp: now + 3 * HOUR, message: 'future' },
      ],
    });
    expect(put2.rejectedLogEventsInfo).toEqual({ tooNewLogEventStartIndex: 1 });
    const old = now - 14 * 24 * HOUR - 5 * HOUR;
    const put3 = await ok(cw, 'PutLogEvents', {
      logGroupName: '/ecs/api',
      logStreamName: 'web-1',
      logEvents: [
        { timestamp: old, message: 'old' },
        { timestamp: old + 1, message: 'old too' },
        { timestamp: old + 20 * HOUR, message: 'recent' },
      ],
    });
    expect(put3.rejectedLogEventsInfo).toEqual({ tooOldLogEventEndIndex: 2 });
    expect(cw.events('/ecs/api').map((e) => e.message)).toEqual(['recent', 'kept']);
  });

  const HOURS_25 = 25 * HOUR;
  it.each([
    { name: 'an empty batch', logEvents: [] },
    {
      name: 'events out of order',
      logEvents: [
        { timestamp: 2, message: 'b' },
        { timestamp: 1, message: 'a' },
      ],
    },
    { name: 'an empty message', logEvents: [{ timestamp: 1, message: '' }] },
    {
      name: 'a batch spanning over 24 hours',
      logEvents: [
        { timestamp: 1, message: 'a' },
        { timestamp: 1 + HOURS_25, message: 'b' },
      ],
    },
    { name: 'a missing timestamp', logEvents: [{ message: 'a' }] },
    { name: 'a batch over 1 MB', logEvents: ['x', 'y'].map((c) => ({ timestamp: 1, message: c.repeat(600_000) })) },
  ])('refuses $name with InvalidParameterException and stores nothing', async ({ logEvents }) => {
    const cw = await startCloudWatch();
    cw.put('/ecs/api', 'web-1', []);
    const { message, type } = await failure(cw, 'PutLogEvents', {
      logGroupName: '/ecs/api',
      logStreamName: 'web-1',
      logEvents,
    });
    expect(type).toBe('InvalidParameterException');
    expect(message).toBeTruthy();
    expect(cw.events('/ecs/api')).toEqual([]);
  });
});
