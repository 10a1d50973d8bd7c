import { HttpError } from './errors.ts';
import type { FailureKind } from './faults.ts';

const SUPPORT = 'If you reach out to GitHub Support for help, please include the request ID';

export interface FaultContext {
  readonly requestId: string;
  readonly retryAfterSec: number;
  readonly now: number;
  /** The `x-ratelimit-*` headers of this response. */
  readonly rateHeaders: Readonly<Record<string, string>>;
}

/** The primary-limit 403; `rateHeaders` must already say `x-ratelimit-remaining: 0`. */
export const primaryLimitError = (requestId: string, rateHeaders: Readonly<Record<string, string>>): HttpError =>
  new HttpError(403, `API rate limit exceeded for user ID 1. ${SUPPORT} ${requestId}.`, {
    headers: { ...rateHeaders },
  });

/** The error GitHub answers for an injected failure, carrying the headers clients react to. */
export function faultError(kind: Exclude<FailureKind, 'delayMs'>, context: FaultContext): HttpError {
  switch (kind) {
    case '500':
      return new HttpError(500, 'Server Error');
    case '502':
      return new HttpError(502, 'Bad Gateway');
    case 'notFound':
      return new HttpError(404, 'Not Found');
    case 'secondaryRateLimit':
      return new HttpError(
        403,
        'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. ' +
          `${SUPPORT} ${context.requestId}.`,
        { headers: { 'retry-after': String(context.retryAfterSec) } },
      );
    case 'primaryRateLimit':
      return primaryLimitError(context.requestId, {
        ...context.rateHeaders,
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(Math.ceil(context.now / 1000) + context.retryAfterSec),
      });
  }
}
