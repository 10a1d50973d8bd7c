/**
 * Secrets that must never reach chat or logs. Each pattern replaces the secret part only, so
 * the surrounding text still says what was there.
 */
export interface RedactionRule {
  name: string;
  pattern: RegExp;
  /** Replacement; `$1` etc. keep a prefix such as `password=`. */
  replace: string;
}

export const REDACTED = '[REDACTED]';

export const DEFAULT_RULES: readonly RedactionRule[] = [
  { name: 'slack-token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{8,}/g, replace: REDACTED },
  { name: 'slack-app-token', pattern: /\bxapp-[A-Za-z0-9-]{8,}/g, replace: REDACTED },
  { name: 'github-token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/g, replace: REDACTED },
  { name: 'aws-access-key', pattern: /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, replace: REDACTED },
  { name: 'private-key', pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g, replace: REDACTED },
  { name: 'jwt', pattern: /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g, replace: REDACTED },
  { name: 'bearer', pattern: /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, replace: `$1 ${REDACTED}` },
  {
    name: 'secret-assignment',
    // Not `\b`: `_` is a word character, and `DB_PASSWORD=` must match. A quoted value is redacted whole.
    pattern: /(?<![A-Za-z0-9])((?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|client[_-]?secret)["']?\s*[:=]\s*)(?:(["'])(?:(?!\2)[^\n])+\2|(["']?)[^\s"'&,;]+)/gi,
    replace: `$1$2$3${REDACTED}$2`,
  },
];

export function redact(text: string, rules: readonly RedactionRule[] = DEFAULT_RULES): string {
  let out = text;
  for (const rule of rules) out = out.replace(rule.pattern, rule.replace);
  return out;
}

/** Redacts every string inside a JSON-like value, e.g. audit details. */
export function redactDeep<T>(value: T, rules: readonly RedactionRule[] = DEFAULT_RULES): T {
  if (typeof value === 'string') return redact(value, rules) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, rules)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v, rules)])) as T;
  }
  return value;
}
