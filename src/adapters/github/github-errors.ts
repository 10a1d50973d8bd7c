import { BackendError, isUserError } from '../../core/errors.ts';

interface HttpFailure {
  status: number;
  message: string;
  response?: { data?: unknown } | undefined;
}

const asHttpFailure = (error: unknown): HttpFailure | undefined =>
  error instanceof Error && 'status' in error && typeof error.status === 'number' ? (error as HttpFailure) : undefined;

/** The HTTP status GitHub answered with; undefined when it did not answer (network error, timeout). */
export const httpStatus = (error: unknown): number | undefined => {
  const failure = asHttpFailure(error);
  return failure?.response ? failure.status : undefined;
};

/** GitHub's own `message`, without the documentation link Octokit appends. */
export function githubMessage(error: unknown): string {
  const data = asHttpFailure(error)?.response?.data;
  if (typeof data === 'object' && data !== null && 'message' in data && typeof data.message === 'string') {
    return data.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/** A plain error naming the operation (which names the repo) and what GitHub said; UserErrors pass through. */
export function backendError(operation: string, error: unknown): Error {
  if (isUserError(error)) return error;
  const status = httpStatus(error);
  const said = status === undefined ? githubMessage(error) : `GitHub answered ${status} ${githubMessage(error)}`;
  return new BackendError(`${operation[0]?.toUpperCase() ?? ''}${operation.slice(1)} failed: ${said}`, {
    cause: error,
  });
}

export async function attempt<T>(operation: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw backendError(operation, error);
  }
}
