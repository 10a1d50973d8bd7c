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

/** Whether an armed failure applies to a call of `operation`. */
export function failsOperation(operation: string): (spec: FailureSpec) => boolean {
  return (spec) => spec.operation === undefined || spec.operation === operation;
}
