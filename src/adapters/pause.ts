/** Waits `ms`, or until `signal` aborts, whichever comes first; never rejects, so callers just check `signal`. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** The wait after `failures` failures in a row: doubling from `baseMs`, at most 30 s. */
export const backoffMs = (baseMs: number, failures: number): number => Math.min(30_000, baseMs * 2 ** failures);
