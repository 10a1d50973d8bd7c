import { BackendError } from '../../core/errors.ts';
import { PodLogError } from './log-request.ts';
import type { PodLogPlan } from './pods.ts';

/** No answer, 429 or 5xx: worth another try. A 4xx other than that will not change by waiting. */
export const isTransientStatus = (status: number | undefined): boolean =>
  status === undefined || status === 429 || status >= 500;

/** The HTTP status of a failed log request; undefined when there was no answer (network, timeout). */
export const statusOf = (error: unknown): number | undefined =>
  error instanceof PodLogError ? error.status : undefined;

/** A failed pod log read, as one line naming the context, pod and container. */
export function podLogFailure(error: unknown, context: string, plan: PodLogPlan, timeoutMs: number): BackendError {
  return new BackendError(
    `Kubernetes context "${context}": could not read the logs of pod ${plan.pod} (container ${plan.container}): ` +
      detail(error, timeoutMs),
    { cause: error },
  );
}

function detail(error: unknown, timeoutMs: number): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  // Node reports socket failures with the system error as the message (ECONNREFUSED …) or as the cause.
  return error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message;
}
