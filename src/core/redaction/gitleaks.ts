import rules from './gitleaks-rules.json' with { type: 'json' };
import { entropy, REDACTED, type RedactionRule } from './rule.ts';

interface GitleaksRule {
  id: string;
  source: string;
  flags: string;
  keywords: string[];
  entropy?: number;
  secretGroup?: number;
}

/**
 * gitleaks' published rules (vendor tokens and keys, see `gitleaks-rules.json` for the release;
 * `scripts/gitleaks-rules.ts` regenerates it), compiled once. As in gitleaks the secret is the
 * rule's `secretGroup`, else its first non-empty group, else the whole match; a secret below the
 * rule's entropy is left alone. Only the secret is replaced, so `api_key=` and the like remain.
 */
export const GITLEAKS_RULES: readonly RedactionRule[] = (rules.rules as GitleaksRule[]).map((rule) => ({
  name: rule.id,
  pattern: new RegExp(rule.source, `${rule.flags}g`),
  keywords: rule.keywords,
  replace: (match: string, ...rest: unknown[]) => {
    const groups = rest.slice(
      0,
      rest.findIndex((r) => typeof r === 'number'),
    );
    const secret = String((rule.secretGroup ? groups[rule.secretGroup - 1] : groups.find((g) => g)) || match);
    if (rule.entropy && entropy(secret) < rule.entropy) return match;
    // The secret group ends the match in gitleaks' rules (at most a delimiter follows it).
    const at = match.lastIndexOf(secret);
    return match.slice(0, at) + REDACTED + match.slice(at + secret.length);
  },
}));

export const GITLEAKS_SOURCE: string = rules.source;
