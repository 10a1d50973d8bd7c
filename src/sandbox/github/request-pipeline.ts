import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { HttpError, notFound } from './errors.ts';
import { faultError, primaryLimitError } from './fault-replies.ts';
import { ArmedFailures } from '../armed-failures.ts';
import { type FailureSpec, failsRequest } from './faults.ts';
import type { HttpRequest, HttpResponse } from './http-server.ts';
import { RateLimit } from './rate-limit.ts';
import { matchRoute, type Reply, type Route } from './router.ts';

export interface RequestLogEntry {
  readonly method: string;
  /** Path and query. */
  readonly path: string;
  readonly status: number;
}

export interface PipelineOptions {
  readonly baseUrl: string;
  readonly routes: readonly Route[];
  readonly token: string | undefined;
  readonly rateLimit: number;
  readonly retryAfterSec: number;
  /** Aborts requests held by injected delays when the server closes. */
  readonly signal: AbortSignal;
}

/** Injected failures, then authentication, then the primary rate limit, then the route; logs every answer. */
export class RequestPipeline {
  readonly faults = new ArmedFailures<FailureSpec>();
  readonly log: RequestLogEntry[] = [];
  readonly #rate: RateLimit;
  readonly #options: PipelineOptions;

  constructor(options: PipelineOptions) {
    this.#options = options;
    this.#rate = new RateLimit(options.rateLimit);
  }

  async handle(req: HttpRequest): Promise<HttpResponse> {
    const url = new URL(req.target, this.#options.baseUrl);
    const requestId = randomBytes(14)
      .toString('hex')
      .toUpperCase()
      .replace(/^(.{4})(.{4})(.{6})(.{6})/, '$1:$2:$3:$4:');
    const reply = await this.#answer(req, url, requestId).catch((error: unknown) => {
      // An emulator bug still answers in GitHub's shape, so the client reports it instead of hanging.
      const failure = error instanceof HttpError ? error : new HttpError(500, `Emulator error: ${String(error)}`);
      return { status: failure.status, body: failure.body(), headers: failure.headers };
    });
    this.log.push({ method: req.method, path: url.pathname + url.search, status: reply.status });
    return {
      status: reply.status,
      body: reply.body,
      headers: {
        ...this.#rate.headers(Date.now()),
        'x-github-request-id': requestId,
        'x-github-api-version-selected': '2022-11-28',
        'x-github-media-type': 'github.v3; format=json',
        ...reply.headers,
      },
    };
  }

  reset(): void {
    this.faults.clear();
    this.#rate.reset();
    this.log.length = 0;
  }

  async #answer(req: HttpRequest, url: URL, requestId: string): Promise<Reply> {
    const fault = this.faults.take(failsRequest(req.method, url.pathname));
    if (fault?.kind === 'delayMs') await sleep(fault.delayMs ?? 0, undefined, { signal: this.#options.signal });
    const now = Date.now();
    if (fault && fault.kind !== 'delayMs') {
      const { retryAfterSec } = this.#options;
      throw faultError(fault.kind, { requestId, now, retryAfterSec, rateHeaders: this.#rate.headers(now) });
    }
    this.#authenticate(req.headers.authorization);
    // As on GitHub, asking for the rate limit does not count against it.
    if (req.method === 'GET' && url.pathname === '/rate_limit') return { status: 200, body: this.#rate.status(now) };
    if (!this.#rate.take(now)) throw primaryLimitError(requestId, this.#rate.headers(now, true));
    const match = matchRoute(this.#options.routes, req.method, url.pathname);
    if (!match) throw notFound();
    return match.handler({ params: match.params, url, body: parseJson(req.text) });
  }

  #authenticate(header: string | undefined): void {
    const expected = this.#options.token;
    if (expected === undefined) return;
    const [scheme = '', token] = (header ?? '').split(/\s+/, 2);
    if (!/^(token|bearer)$/i.test(scheme) || token !== expected) throw new HttpError(401, 'Bad credentials');
  }
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, 'Problems parsing JSON');
  }
}
