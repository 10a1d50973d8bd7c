import { ApiException } from '@kubernetes/client-node';
import { BackendError } from '../../core/errors.ts';
import { formatWait } from './wait-text.ts';

/** A failed Kubernetes API call; `status` is the HTTP code when the server answered. */
export class KubernetesApiError extends BackendError {
  readonly status: number | undefined;
  constructor(message: string, status: number | undefined, cause: unknown) {
    super(message, { cause });
    this.name = 'KubernetesApiError';
    this.status = status;
  }
}

/** Turns what client-node throws into one readable line and the HTTP status, if any. */
export function describeApiFailure(error: unknown, timeoutMs: number): { detail: string; status: number | undefined } {
  if (error instanceof ApiException) {
    return { detail: `${statusMessage(error.body) ?? error.message} (HTTP ${error.code})`, status: error.code };
  }
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return { detail: `no answer within ${formatWait(timeoutMs)}`, status: undefined };
  }
  // undici reports network failures as `TypeError: fetch failed` with the socket error as the cause.
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof Error) return { detail: `cannot reach the API server: ${cause.message}`, status: undefined };
  return { detail: error instanceof Error ? error.message : String(error), status: undefined };
}

/** The `message` of a Kubernetes Status body; client-node 2 hands the body over as JSON text. */
function statusMessage(body: unknown): string | undefined {
  let parsed = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return body.trim().slice(0, 200) || undefined;
    }
  }
  const message = typeof parsed === 'object' && parsed !== null ? (parsed as { message?: unknown }).message : undefined;
  return typeof message === 'string' && message !== '' ? message : undefined;
}
