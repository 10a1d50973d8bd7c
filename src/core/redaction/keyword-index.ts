/**
 * Finds, in one pass over a lower-cased text, which rules have a keyword in it. Each keyword is
 * filed under its first three characters, as one small number so the scan allocates nothing
 * (characters past Latin-1 may share a number; every candidate is checked in full anyway). The few
 * shorter keywords are searched for directly. With 200-odd rules this keeps a clean log line
 * cheap: it is read once instead of once per keyword.
 */
export function keywordIndex(
  keywordsPerRule: readonly (readonly string[] | undefined)[],
): (lower: string) => boolean[] {
  const byGram = new Map<number, { keyword: string; rules: number[] }[]>();
  const short: { keyword: string; rules: number[] }[] = [];
  const always: number[] = [];
  const entries = new Map<string, { keyword: string; rules: number[] }>();
  keywordsPerRule.forEach((keywords, rule) => {
    if (!keywords?.length) always.push(rule);
    for (const keyword of keywords ?? []) {
      let entry = entries.get(keyword);
      if (!entry) {
        entry = { keyword, rules: [] };
        entries.set(keyword, entry);
        if (keyword.length < 3) short.push(entry);
        else {
          const key = gram(keyword, 0);
          byGram.set(key, [...(byGram.get(key) ?? []), entry]);
        }
      }
      entry.rules.push(rule);
    }
  });
  return (lower) => {
    const hit = new Array<boolean>(keywordsPerRule.length).fill(false);
    for (const rule of always) hit[rule] = true;
    for (const entry of short) if (lower.includes(entry.keyword)) for (const rule of entry.rules) hit[rule] = true;
    for (let i = 0; i + 3 <= lower.length; i++) {
      const candidates = byGram.get(gram(lower, i));
      if (!candidates) continue;
      for (const entry of candidates) {
        if (lower.startsWith(entry.keyword, i)) for (const rule of entry.rules) hit[rule] = true;
      }
    }
    return hit;
  };
}

function gram(text: string, at: number): number {
  // Plain expressions only: a helper closure here made the scan twenty times slower.
  const first = text.charCodeAt(at) & 0xff;
  const second = text.charCodeAt(at + 1) & 0xff;
  return (first << 16) | (second << 8) | (text.charCodeAt(at + 2) & 0xff);
}
