import { beforeAll, describe, expect, it } from 'vitest';
import { CloudWatchLogsEmulator } from '../../src/sandbox/cloudwatch/index.ts';
import { failure, filterPages } from './cloudwatch-harness.ts';

const MESSAGES = [
  'ERROR request failed',
  'error lowercase',
  'WARN disk almost full',
  'INFO Exception: NullPointer in handler',
  '{"level":"error","status":503,"path":"/v1/orders","msg":"db timeout"}',
  '{"level":"info","status":200,"path":"/v1/orders/12","user":{"id":"u1"},"tags":["a","b"]}',
  '{"level":"warn","status":429,"path":"/v1/products"}',
  'GET /v1/orders 200 12ms request_id=abc',
  'POST /v1/checkout 502 2011ms request_id=def ERROR',
];

describe('CloudWatch Logs emulator: filter patterns', () => {
  let cw: CloudWatchLogsEmulator;

  beforeAll(async () => {
    cw = await CloudWatchLogsEmulator.start();
    cw.put(
      '/ecs/api',
      'web-1',
      MESSAGES.map((message, i) => ({ timestamp: 1_700_000_000_000 + i, message })),
    );
    return () => cw.close();
  });

  it.each([
    { pattern: '', matches: [0, 1, 2, 3, 4, 5, 6, 7, 8] },
    { pattern: '   ', matches: [0, 1, 2, 3, 4, 5, 6, 7, 8] },
    { pattern: 'ERROR', matches: [0, 8] },
    { pattern: 'ERROR failed', matches: [0] },
    { pattern: '"request failed"', matches: [0] },
    { pattern: '"Exception: NullPointer"', matches: [3] },
    { pattern: '?ERROR ?WARN', matches: [0, 2, 8] },
    { pattern: 'ERROR -POST', matches: [0] },
    { pattern: '-ERROR -error -level', matches: [2, 3, 7] },
    { pattern: '-"request_id=abc" request_id', matches: [8] },
    { pattern: '{ $.level = "error" }', matches: [4] },
    { pattern: '{$.level=error}', matches: [4] },
    { pattern: '{ $.level != "info" }', matches: [4, 6] },
    { pattern: '{ $.status >= 500 }', matches: [4] },
    { pattern: '{ $.status < 300 }', matches: [5] },
    { pattern: '{ $.status = 429 }', matches: [6] },
    { pattern: '{ $.path = "/v1/orders*" }', matches: [4, 5] },
    { pattern: '{ $.user.id = "u1" }', matches: [5] },
    { pattern: '{ $.tags[1] = "b" }', matches: [5] },
    { pattern: '{ $.missing != "x" }', matches: [] },
    { pattern: '{ $.status >= 500 || $.level = "warn" }', matches: [4, 6] },
    { pattern: '{ ($.level = "info" || $.level = "warn") && $.path = "/v1/products" }', matches: [6] },
    { pattern: '%5\\d\\d%', matches: [4, 8] },
  ])('$pattern', async ({ pattern, matches }) => {
    const { pages } = await filterPages(cw, { logGroupName: '/ecs/api', filterPattern: pattern });
    expect(pages.flat().map((e) => e.message)).toEqual(matches.map((i) => MESSAGES[i]));
  });

  it.each([
    '"unterminated',
    'ERROR ?',
    'bad"quote',
    '{ $.status >= }',
    '{ $.level = "error"',
    '{ level = "error" }',
    '{ $.level > "a" }',
    '{ $.level = "a" && }',
    '{ ($.level = "a" }',
    '[ip, user, status]',
    '%(%',
  ])('refuses %s with InvalidParameterException', async (pattern) => {
    const error = await failure(cw, 'FilterLogEvents', { logGroupName: '/ecs/api', filterPattern: pattern });
    expect(error).toMatchObject({ status: 400, type: 'InvalidParameterException' });
    expect(error.message).toMatch(/^Invalid filter pattern/);
  });
});
