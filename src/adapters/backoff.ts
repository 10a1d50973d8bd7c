/** The wait after `failures` failures in a row: doubling from `baseMs`, at most 30 s. */
export const backoffMs = (baseMs: number, failures: number): number => Math.min(30_000, baseMs * 2 ** failures);
