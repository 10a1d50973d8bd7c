import { UserError } from '../../core/errors.ts';
import type { RollbackPlan, Target } from '../../ports/backends.ts';
import type { Octokit } from '@octokit/rest';
import type { RepoName } from './repo-name.ts';
import { resolveCommit } from './resolve-commit.ts';
import { shortSha, versionLabel } from './version-label.ts';

export interface Version {
  ref: string;
  sha: string | undefined;
}

// Compares commits when both are known: redeploying the same commit under another name changes nothing.
const sameVersion = (a: Version, b: Version): boolean =>
  a.sha !== undefined && b.sha !== undefined ? a.sha === b.sha : a.ref === b.ref;

/** The newest successful version that differs from the current (first) one. */
export const previousVersion = <T extends Version>(newestFirst: readonly T[]): T | undefined => {
  const [current, ...older] = newestFirst;
  return current && older.find((v) => !sameVersion(v, current));
};

export const nothingToRollBackTo = (target: Target): UserError =>
  new UserError(`nothing to roll back to: no earlier successful deployment of ${target.service} to ${target.env}`);

export function rollbackPlan(target: Target, current: Version | undefined, to: Version): RollbackPlan {
  if (current && sameVersion(current, to)) {
    const label = to.sha === undefined ? `\`${to.ref}\`` : `\`${to.ref}\` (${shortSha(to.sha)})`;
    throw new UserError(`${label} is what ${target.service} runs in ${target.env} now: pick an earlier version.`);
  }
  return {
    from: current ? versionLabel(current.ref, current.sha) : 'no successful deployment on record',
    to: versionLabel(to.ref, to.sha),
    params: { ref: to.ref, sha: to.sha },
  };
}

/** Reads back what `rollbackPlan` stored (plans round-trip through the store as JSON). */
export function planVersion(plan: RollbackPlan): Version {
  const { ref, sha } = plan.params;
  if (typeof ref !== 'string' || (sha !== undefined && sha !== null && typeof sha !== 'string')) {
    throw new Error(`Rollback plan ${JSON.stringify(plan.params)} has no ref to deploy`);
  }
  return { ref, sha: sha ?? undefined };
}

/** The plan for `/rollback`: to `to` when given (resolved on GitHub), else to the previous distinct version. */
export async function chooseRollback(
  octokit: Octokit,
  repo: RepoName,
  target: Target,
  newestFirst: readonly Version[],
  to: string | undefined,
): Promise<RollbackPlan> {
  const [current] = newestFirst;
  if (to !== undefined) {
    const { sha } = await resolveCommit(octokit, repo, to);
    return rollbackPlan(target, current, { ref: to, sha });
  }
  const previous = previousVersion(newestFirst);
  if (!previous) throw nothingToRollBackTo(target);
  return rollbackPlan(target, current, previous);
}
