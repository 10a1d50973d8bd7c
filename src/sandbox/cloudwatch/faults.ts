export interface FailureSpec {
  /** Only calls of this operation, e.g. `FilterLogEvents` (any when omitted). */
  readonly operation?: string;
  /** How many matching calls fail; default 1, `Infinity` until disarmed. */
  readonly times?: number;
  /**
   * `throttle`: 400 ThrottlingException; `unavailable`: 500 ServiceUnavailableException; `limit`: 400
   * LimitExceededException (Live Tail's concurrent-session quota); `denied`: 400 AccessDeniedException.
   */
  readonly kind: 'throttle' | 'unavailable' | 'limit' | 'denied';
}

interface Armed {
  readonly spec: FailureSpec;
  left: number;
}

/** Failures armed by tests; the first armed failure that matches a call is used up by it. */
export class FaultInjector {
  #armed: Armed[] = [];

  add(spec: FailureSpec): () => void {
    const armed: Armed = { spec, left: spec.times ?? 1 };
    this.#armed.push(armed);
    return () => {
      this.#armed = this.#armed.filter((a) => a !== armed);
    };
  }

  take(operation: string): FailureSpec['kind'] | undefined {
    const hit = this.#armed.find(
      ({ spec, left }) => left > 0 && (spec.operation === undefined || spec.operation === operation),
    );
    if (!hit) return undefined;
    hit.left -= 1;
    if (hit.left <= 0) this.#armed = this.#armed.filter((a) => a !== hit);
    return hit.spec.kind;
  }

  clear(): void {
    this.#armed = [];
  }
}
