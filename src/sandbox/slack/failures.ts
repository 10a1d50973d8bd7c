/**
 * An injected failure: a Slack error (HTTP 200, `ok: false`) or an HTTP status. A 429 with `retryAfter`
 * carries the `Retry-After` header Slack sends; without it web-api treats the 429 as final.
 */
export type SlackFailure = { error: string } | { status: number; retryAfter?: number };

export interface FailureResponse {
  status: number;
  body: { ok: false; error: string };
  headers: Record<string, string>;
}

export class FailureInjector {
  readonly #pending = new Map<string, { failure: SlackFailure; remaining: number }>();

  fail(method: string, failure: SlackFailure, times = Infinity): void {
    this.#pending.set(method, { failure, remaining: times });
  }

  clear(): void {
    this.#pending.clear();
  }

  /** Consumes one injected failure for the method, if any. */
  take(method: string): FailureResponse | undefined {
    const entry = this.#pending.get(method);
    if (!entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.#pending.delete(method);
    return toResponse(entry.failure);
  }
}

function toResponse(failure: SlackFailure): FailureResponse {
  if ('error' in failure) return { status: 200, body: { ok: false, error: failure.error }, headers: {} };
  if (failure.status === 429) {
    const headers: Record<string, string> =
      failure.retryAfter === undefined ? {} : { 'retry-after': String(failure.retryAfter) };
    return { status: 429, body: { ok: false, error: 'ratelimited' }, headers };
  }
  return { status: failure.status, body: { ok: false, error: 'fatal_error' }, headers: {} };
}
