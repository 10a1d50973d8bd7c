import { afterEach } from 'vitest';
import {
  CloudWatchLogsEmulator,
  type CloudWatchLogsEmulatorOptions,
  type LogEvent,
} from '../../src/sandbox/cloudwatch/index.ts';

const running: CloudWatchLogsEmulator[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((cw) => cw.close()));
});

/** An emulator closed after the test. */
export async function startCloudWatch(options: CloudWatchLogsEmulatorOptions = {}): Promise<CloudWatchLogsEmulator> {
  const cw = await CloudWatchLogsEmulator.start(options);
  running.push(cw);
  return cw;
}

// Shaped like the header botocore and the JS SDK send; the emulator checks its shape, not the signature.
export const SIGV4 =
  'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/logs/aws4_request, ' +
  'SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=deadbeef';

// Loose on purpose: each test reads the members it asserts on.
export type Body = Record<string, unknown>;

/** The list under `key` in a reply, such as its `events` or `logStreams`. */
export const items = (body: Body, key: string): Body[] => body[key] as Body[];

export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly body: Body;
}

/** One JSON 1.1 call over fetch; `headers` override (or, when undefined, remove) the protocol headers. */
export async function call(
  cw: CloudWatchLogsEmulator,
  operation: string,
  input: unknown = {},
  headers: Record<string, string | undefined> = {},
): Promise<Reply> {
  const all: Record<string, string | undefined> = {
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': `Logs_20140328.${operation}`,
    authorization: SIGV4,
    ...headers,
  };
  const res = await fetch(`${cw.url}/`, {
    method: 'POST',
    headers: Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => e[1] !== undefined)),
    body: typeof input === 'string' ? input : JSON.stringify(input),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: text === '' ? {} : (JSON.parse(text) as Body) };
}

/** A call that must succeed; its output. */
export async function ok(cw: CloudWatchLogsEmulator, operation: string, input: unknown = {}): Promise<Body> {
  const reply = await call(cw, operation, input);
  if (reply.status !== 200) throw new Error(`${operation} answered ${reply.status}: ${reply.text}`);
  return reply.body;
}

/** Every FilterLogEvents page until `nextToken` is absent, the way a correct client pages. */
export async function filterPages(
  cw: CloudWatchLogsEmulator,
  input: Body,
): Promise<{ pages: LogEvent[][]; tokens: number }> {
  const pages: LogEvent[][] = [];
  let tokens = 0;
  let nextToken: string | undefined;
  do {
    const page = await ok(cw, 'FilterLogEvents', { ...input, ...(nextToken ? { nextToken } : {}) });
    pages.push(page.events as LogEvent[]);
    nextToken = page.nextToken as string | undefined;
    if (nextToken) tokens += 1;
    if (pages.length > 10_000) throw new Error('paging does not end');
  } while (nextToken);
  return { pages, tokens };
}

/** The failing reply of a call, checked to be in AWS's JSON 1.1 error shape. */
export async function failure(
  cw: CloudWatchLogsEmulator,
  operation: string,
  input: unknown = {},
  headers: Record<string, string | undefined> = {},
) {
  const reply = await call(cw, operation, input, headers);
  if (reply.status < 400) throw new Error(`${operation} unexpectedly answered ${reply.status}: ${reply.text}`);
  return { status: reply.status, type: reply.body.__type as string, message: reply.body.message as string, reply };
}
