import type { Clock } from '../ports/clock.ts';

/** Runs `tick` every `ms` on `clock` until `signal` aborts; a tick finishes before the next wait starts. */
export async function every(clock: Clock, ms: number, signal: AbortSignal, tick: () => Promise<void>): Promise<void> {
  for (;;) {
    await clock.sleep(ms, signal);
    if (signal.aborted) return;
    await tick();
  }
}

/** A signal that aborts once `ms` have passed on `clock`; `clear` ends the wait when it is no longer needed. */
export function timeoutSignal(clock: Clock, ms: number): { signal: AbortSignal; clear(): void } {
  const fired = new AbortController();
  const cleared = new AbortController();
  void clock.sleep(ms, cleared.signal).then(() => {
    if (!cleared.signal.aborted) fired.abort(new DOMException(`${ms} ms passed`, 'TimeoutError'));
  });
  return { signal: fired.signal, clear: () => cleared.abort() };
}
