/** Optimal string alignment distance: Levenshtein plus adjacent transpositions ("prdo" → "prod"). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      }
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** The closest candidate close enough to be a plausible typo, or undefined. */
export function didYouMean(input: string, candidates: Iterable<string>): string | undefined {
  const needle = input.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const hay = name.toLowerCase();
    const distance = hay.startsWith(needle) && needle.length >= 2 ? 0.5 : editDistance(needle, hay);
    if (!best || distance < best.distance) best = { name, distance };
  }
  if (!best) return undefined;
  const allowed = Math.max(1, Math.floor(Math.max(needle.length, best.name.length) / 3));
  return best.distance <= allowed ? best.name : undefined;
}

/** "unknown service `apu`. Did you mean `api`? Known: api, web, worker" */
export function unknownNameMessage(kind: string, input: string, known: readonly string[]): string {
  const guess = didYouMean(input, known);
  const hint = guess ? ` Did you mean \`${guess}\`?` : '';
  const list = known.length ? ` Known ${kind}s: ${known.join(', ')}.` : '';
  return `Unknown ${kind} \`${input}\`.${hint}${list}`;
}
