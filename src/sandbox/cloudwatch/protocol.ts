import { randomUUID } from 'node:crypto';
import type { OperationContext } from './context.ts';
import { AwsError, accessDenied, sessionLimit, throttled, unavailable } from './errors.ts';
import { ArmedFailures } from '../armed-failures.ts';
import { type FailureSpec, failsOperation } from './faults.ts';
import type { HttpRequest, HttpResponse, ResponseSink } from './http-server.ts';
import type { LiveTails } from './live-tail.ts';
import { OPERATIONS } from './operations.ts';
import { Params } from './params.ts';
import type { Throttle } from './throttle.ts';

export interface RequestLogEntry {
  /** The operation named by `X-Amz-Target` (empty when none was sent). */
  readonly operation: string;
  readonly status: number;
  /** The `__type` of an error answer. */
  readonly errorType?: string;
}

const TARGET_PREFIX = 'Logs_20140328.';
const CONTENT_TYPE = 'application/x-amz-json-1.1';
const EVENT_STREAM = 'application/vnd.amazon.eventstream';

/** A streamed answer (StartLiveTail's event stream) rather than a JSON document. */
class Streamed {
  readonly stream: (sink: ResponseSink) => void;

  constructor(stream: (sink: ResponseSink) => void) {
    this.stream = stream;
  }
}

/**
 * The AWS JSON 1.1 protocol: `POST /` with `X-Amz-Target` and a SigV4 `Authorization` header (its
 * signature is not checked), then injected failures, then the per-operation throttle, then the operation.
 */
export class Protocol {
  readonly faults = new ArmedFailures<FailureSpec>();
  readonly log: RequestLogEntry[] = [];
  readonly #ctx: OperationContext;
  readonly #throttle: Throttle;
  readonly #liveTails: LiveTails;

  constructor(ctx: OperationContext, throttle: Throttle, liveTails: LiveTails) {
    this.#ctx = ctx;
    this.#throttle = throttle;
    this.#liveTails = liveTails;
  }

  handle(req: HttpRequest): HttpResponse {
    const target = single(req.headers['x-amz-target']) ?? '';
    const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target;
    // AWS's own header casing (clients read them case-insensitively).
    const headers = { 'Content-Type': CONTENT_TYPE, 'x-amzn-RequestId': randomUUID() };
    try {
      const output = this.#answer(req, operation);
      this.log.push({ operation, status: 200 });
      if (output instanceof Streamed) {
        return { status: 200, headers: { ...headers, 'Content-Type': EVENT_STREAM }, body: '', stream: output.stream };
      }
      return { status: 200, headers, body: output === undefined ? '' : JSON.stringify(output) };
    } catch (error) {
      // An emulator bug still answers in AWS's shape, so the client reports it instead of hanging.
      const failure =
        error instanceof AwsError ? error : new AwsError('InternalFailure', `Emulator error: ${String(error)}`, 500);
      this.log.push({ operation, status: failure.status, errorType: failure.type });
      return {
        status: failure.status,
        headers: { ...headers, 'X-Amzn-ErrorType': failure.type },
        body: JSON.stringify({ __type: failure.type, message: failure.message }),
      };
    }
  }

  reset(): void {
    this.faults.clear();
    this.#throttle.reset();
    this.log.length = 0;
  }

  #answer(req: HttpRequest, operation: string): Record<string, unknown> | Streamed | undefined {
    authenticate(single(req.headers.authorization));
    const run = OPERATIONS.get(operation);
    const live = operation === 'StartLiveTail';
    if (req.method !== 'POST' || req.path !== '/' || !(run || live)) {
      throw new AwsError(
        'UnknownOperationException',
        `Unknown operation ${req.method} ${req.path} ${operation}`.trimEnd(),
      );
    }
    const contentType = single(req.headers['content-type'])?.split(';')[0]?.trim().toLowerCase();
    if (contentType !== CONTENT_TYPE)
      throw new AwsError('SerializationException', `Expected Content-Type ${CONTENT_TYPE}`);
    const fault = this.faults.take(failsOperation(operation))?.kind;
    if (fault === 'throttle' || !this.#throttle.take(operation)) throw throttled();
    if (fault === 'unavailable') throw unavailable();
    if (fault === 'limit') throw sessionLimit();
    if (fault === 'denied') throw accessDenied(`logs:${operation}`);
    const params = new Params(parseBody(req.body));
    if (live) return new Streamed(this.#liveTails.start(params));
    return run?.(this.#ctx, params);
  }
}

const single = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

function authenticate(authorization: string | undefined): void {
  if (authorization === undefined)
    throw new AwsError('MissingAuthenticationTokenException', 'Missing Authentication Token');
  if (!/^AWS4-HMAC-SHA256 .*Credential=.+SignedHeaders=.+Signature=/.test(authorization)) {
    throw new AwsError(
      'IncompleteSignatureException',
      "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters (AWS4-HMAC-SHA256).",
    );
  }
}

function parseBody(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new AwsError('SerializationException', 'The request body is not valid JSON.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new AwsError('SerializationException', 'The request body must be a JSON object.');
  }
  return body as Record<string, unknown>;
}
