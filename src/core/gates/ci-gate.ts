import type { CheckState, CommitCheck } from '../../ports/commit-checks.ts';
import type { EnvironmentInfo } from '../catalog.ts';

/** Which checks a deploy's commit needs: every reported one, none, or these names. */
export type RequiredChecks = 'all' | 'none' | readonly string[];

/** What the environment asks; without a `checks` block, environments that need approval ask for all. */
export function requiredChecks(env: EnvironmentInfo | undefined): RequiredChecks {
  return env?.checks?.required ?? (env?.approval ? 'all' : 'none');
}

/** One check as the gate saw it; `missing` is a required name the commit has no status or run for. */
export interface GatedCheck {
  name: string;
  state: CheckState | 'missing';
  required: boolean;
  url?: string | undefined;
  detail?: string | undefined;
}

export type CiGate =
  /** Nothing to check: the service has no GitHub repository, so the deploy names no commit. */
  | { kind: 'skipped'; required: RequiredChecks }
  /** GitHub did not answer; required checks then block (an unknown result is not a pass). */
  | { kind: 'unreadable'; required: RequiredChecks; error: string }
  | { kind: 'read'; required: RequiredChecks; checks: GatedCheck[]; blocking: GatedCheck[] };

const ORDER: Record<GatedCheck['state'], number> = { failed: 0, pending: 1, missing: 2, passed: 3 };

/**
 * Holds the commit's checks against what the environment requires. `all` takes every check reported (a commit
 * with none passes: list names to require them to be present); a list takes those names, and one that has not
 * reported is `missing`, as branch protection's "expected" checks are. Blocking checks come failed first.
 */
export function evaluateChecks(checks: readonly CommitCheck[], required: RequiredChecks): CiGate {
  const isRequired = (name: string) => required === 'all' || (Array.isArray(required) && required.includes(name));
  const gated: GatedCheck[] = checks.map((c) => ({ ...c, required: isRequired(c.name) }));
  const reported = new Set(checks.map((c) => c.name));
  if (Array.isArray(required)) {
    for (const name of required) if (!reported.has(name)) gated.push({ name, state: 'missing', required: true });
  }
  const blocking = gated
    .filter((c) => c.required && c.state !== 'passed')
    .sort((a, b) => ORDER[a.state] - ORDER[b.state]);
  return { kind: 'read', required, checks: gated, blocking };
}

/** Whether the gate stops the deploy: a blocking check, or checks required but unreadable. */
export function ciBlocks(gate: CiGate): boolean {
  if (gate.kind === 'read') return gate.blocking.length > 0;
  return gate.kind === 'unreadable' && gate.required !== 'none';
}
