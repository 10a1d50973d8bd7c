import { GITLEAKS_RULES } from './gitleaks.ts';
import { keyAwareStream } from './key-stream.ts';
import { keywordIndex } from './keyword-index.ts';
import { OWN_RULES } from './own-rules.ts';
import type { RedactionRule } from './rule.ts';

export interface Redactor {
  /** The text with every secret replaced. */
  text(text: string): string;
  /** A copy of a JSON-like value (audit details, log fields) with every string in it redacted. */
  deep<T>(value: T): T;
  /**
   * A redactor for the events of one log source, in order: it remembers an open private key
   * across events, so a key printed one line per event goes whole. One per source.
   */
  stream(): (line: string) => string;
}

/** The built-in rules: opsdeck's own first (they take whole values), then gitleaks'. */
export const BUILT_IN_RULES: readonly RedactionRule[] = [...OWN_RULES, ...GITLEAKS_RULES];

/** Applies rules in order, skipping those whose keywords the text does not contain. */
export function ruleRunner(rules: readonly RedactionRule[]): (text: string) => string {
  const candidates = keywordIndex(rules.map((r) => r.keywords));
  return (text) => {
    if (!text) return text;
    const hit = candidates(text.toLowerCase());
    let out = text;
    rules.forEach((rule, i) => {
      if (!hit[i]) return;
      // Shared global patterns: reset in case someone ran exec on one.
      rule.pattern.lastIndex = 0;
      const { pattern, replace } = rule;
      out = typeof replace === 'string' ? out.replace(pattern, replace) : out.replace(pattern, replace);
    });
    return out;
  };
}

/** A copy of `value` with `text` applied to every string in it. */
export function deepWith<T>(text: (s: string) => string, value: T): T {
  if (typeof value === 'string') return text(value) as T;
  if (Array.isArray(value)) return value.map((v) => deepWith(text, v)) as T;
  if (value instanceof Date) return value;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deepWith(text, v)])) as T;
  }
  return value;
}

/** The built-in rules plus `extra` (the config's `logs.redact`), compiled once. */
export function createRedactor(extra: readonly RedactionRule[] = []): Redactor {
  const text = ruleRunner([...BUILT_IN_RULES, ...extra]);
  return {
    text,
    deep: (value) => deepWith(text, value),
    stream: () => keyAwareStream(text),
  };
}
