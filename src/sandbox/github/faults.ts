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

interface Armed {
  readonly spec: FailureSpec;
  left: number;
}

/** Failures armed by tests; the first armed failure that matches a request is used up by it. */
export class FaultInjector {
  #armed: Armed[] = [];

  add(spec: FailureSpec): () => void {
    const armed: Armed = { spec, left: spec.times ?? 1 };
    this.#armed.push(armed);
    return () => {
      this.#armed = this.#armed.filter((a) => a !== armed);
    };
  }

  take(method: string, path: string): FailureSpec | undefined {
    const hit = this.#armed.find(
      ({ spec, left }) =>
        left > 0 &&
        (spec.method === undefined || spec.method.toUpperCase() === method) &&
        (spec.pathPattern === undefined || path.search(spec.pathPattern) !== -1),
    );
    if (!hit) return undefined;
    hit.left -= 1;
    if (hit.left <= 0) this.#armed = this.#armed.filter((a) => a !== hit);
    return hit.spec;
  }

  clear(): void {
    this.#armed = [];
  }
}
