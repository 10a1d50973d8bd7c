/** What a secret is replaced with. */
export const REDACTED = '[REDACTED]';

/**
 * A secret shape. The pattern replaces the secret part only, so the surrounding text still says
 * what was there.
 */
export interface RedactionRule {
  name: string;
  /** A global regular expression. */
  pattern: RegExp;
  /** Replacement as `String.prototype.replace` takes it: `$1` keeps a prefix such as `password=`. */
  replace: string | Replacer['replace'];
  /**
   * Lower-case substrings, one of which a text must contain for the rule to run: most lines
   * contain none, so the pattern is skipped on them. Absent: the rule runs on every text.
   */
  keywords?: readonly string[];
}

/**
 * Called as `String.prototype.replace` calls a replacer: the match, its groups (undefined when
 * unmatched), the offset and the whole text. Declared as a method so that a rule may name only the
 * groups it reads, typed as its pattern guarantees them.
 */
interface Replacer {
  replace(match: string, ...groupsThenOffset: unknown[]): string;
}

/** Shannon entropy in bits per character, as gitleaks computes it to tell random secrets from words. */
export function entropy(text: string): number {
  const counts = new Map<string, number>();
  for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / text.length) * Math.log2(n / text.length);
  return bits;
}
