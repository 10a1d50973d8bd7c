import { BUILT_IN_RULES, createRedactor, deepWith, ruleRunner } from './redaction/redactor.ts';
import type { RedactionRule } from './redaction/rule.ts';

export { createRedactor, type Redactor } from './redaction/redactor.ts';
export { REDACTED, type RedactionRule } from './redaction/rule.ts';

/** Secrets that must never reach chat or logs: see `redaction/own-rules.ts` and `redaction/gitleaks.ts`. */
export const DEFAULT_RULES: readonly RedactionRule[] = BUILT_IN_RULES;

const builtIn = createRedactor();
const runners = new WeakMap<readonly RedactionRule[], (text: string) => string>();

function runnerFor(rules: readonly RedactionRule[]): (text: string) => string {
  if (rules === DEFAULT_RULES) return builtIn.text;
  let run = runners.get(rules);
  if (!run) {
    run = ruleRunner(rules);
    runners.set(rules, run);
  }
  return run;
}

export function redact(text: string, rules: readonly RedactionRule[] = DEFAULT_RULES): string {
  return runnerFor(rules)(text);
}

/** Redacts every string inside a JSON-like value, e.g. audit details. */
export function redactDeep<T>(value: T, rules: readonly RedactionRule[] = DEFAULT_RULES): T {
  return deepWith(runnerFor(rules), value);
}
