export type FailureKind = '500' | '502' | 'secondaryRateLimit' | 'primaryRateLimit' | 'notFound' | 'delayMs';

export interface FailureSpec {
  /** Only requests with this method (any when omitted). */
  readonly method?: string;
  /** Tested against the request path without the query string (any when omitted). */
  readonly pathPattern?: RegExp;
  /** How many matching requests fail; default 1, `Infinity` until removed. */
  readonly times?: number;
  readonly kind: FailureKind;
  /** For `delayMs`: how long to hold the request before answering it normally. */
  readonly delayMs?: number;
}

/** Whether an armed failure applies to a request with this method and path. */
export function failsRequest(method: string, path: string): (spec: FailureSpec) => boolean {
  return (spec) =>
    (spec.method === undefined || spec.method.toUpperCase() === method) &&
    (spec.pathPattern === undefined || path.search(spec.pathPattern) !== -1);
}
