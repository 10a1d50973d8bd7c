export interface WaitUntilOptions {
  timeoutMs: number;
  /** Calls `check` on every state change until the returned function is called. */
  subscribe: (check: () => void) => () => void;
  /** The state to show when the wait times out, so a failing test explains itself. */
  describe: () => string;
}

/** Resolves with the first truthy value of `fn`, checked now and after every change `subscribe` reports. */
export function waitUntil<T>(fn: () => T | undefined | null | false, options: WaitUntilOptions): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let lastError: unknown;
    const check = (): void => {
      try {
        const value = fn();
        if (value) {
          stop();
          resolve(value);
        }
      } catch (error) {
        lastError = error;
      }
    };
    const unsubscribe = options.subscribe(check);
    const timer = setTimeout(() => {
      stop();
      const cause = lastError === undefined ? '' : ` (last error: ${String(lastError)})`;
      reject(new Error(`waitFor timed out after ${options.timeoutMs} ms${cause}\n${options.describe()}`));
    }, options.timeoutMs);
    function stop(): void {
      clearTimeout(timer);
      unsubscribe();
    }
    check();
  });
}
