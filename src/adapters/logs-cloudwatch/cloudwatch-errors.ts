import { BackendError, UserError } from '../../core/errors.ts';

// Socket-level failures worth another try: the request never got an answer.
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND']);

interface SdkErrorShape {
  $metadata?: { httpStatusCode?: number };
  code?: string;
}

/** Throttling, 5xx and dropped connections clear up by themselves; everything else needs a person or a fix. */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (
    error.name === 'ThrottlingException' ||
    error.name === 'ServiceUnavailableException' ||
    error.name === 'TimeoutError'
  ) {
    return true;
  }
  const { $metadata, code } = error as SdkErrorShape;
  const status = $metadata?.httpStatusCode;
  if (status !== undefined) return status >= 500 || status === 429;
  return code !== undefined && NETWORK_CODES.has(code);
}

/** What a failed FilterLogEvents call means to the person who asked for logs. */
export function describeFailure(error: unknown, group: string, grep: string | undefined): Error {
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'ResourceNotFoundException') return new UserError(`CloudWatch log group ${group} does not exist.`);
  if (name === 'InvalidParameterException' && grep !== undefined && grep !== '') {
    return new UserError(`CloudWatch rejected the filter pattern "${grep}": ${message}`);
  }
  return new BackendError(`CloudWatch FilterLogEvents on ${group} failed: ${name}: ${message}`, { cause: error });
}
