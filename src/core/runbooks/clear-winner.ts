import type { SearchHit } from './search.ts';

// How far ahead the best hit must be to be shown on its own; tuned with the search tests.
export const CLEAR_WINNER_RATIO = 1.6;

/** One hit, or a best hit scoring at least CLEAR_WINNER_RATIO times the second. */
export function clearWinner(results: readonly SearchHit[]): boolean {
  const [first, second] = results;
  if (!first) return false;
  return !second || first.score >= CLEAR_WINNER_RATIO * second.score;
}
