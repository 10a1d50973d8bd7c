type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

const urlOf = (input: string | URL | Request): string => (input instanceof Request ? input.url : String(input));

/**
 * Bounds every request: a GitHub that accepts the connection and never answers would otherwise hold a
 * command forever. The error names the request so the log says which call hung; Octokit turns it into a
 * RequestError, which the retry plugin retries like any 5xx.
 */
export function fetchWithTimeout(timeoutMs: number, send: Fetch = fetch): Fetch {
  return async (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    try {
      return await send(input, { ...init, signal });
    } catch (error) {
      if (!timeout.aborted) throw error;
      const method = init?.method ?? 'GET';
      throw new Error(`GitHub did not answer ${method} ${urlOf(input)} within ${timeoutMs} ms`, { cause: error });
    }
  };
}
