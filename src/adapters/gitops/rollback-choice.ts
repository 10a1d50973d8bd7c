import { UserError } from '../../core/errors.ts';
import type { RollbackPlan, Target } from '../../ports/backends.ts';
import { isValidTag } from '../kubernetes/images.ts';
import type { ManifestsRepo } from './manifests-repo.ts';
import type { EnvTarget } from './options.ts';
import { readTag, type TagLocation } from './tag-location.ts';

/** How far back the file's history is searched for the tag before the current one. */
const HISTORY_DEPTH = 30;

/**
 * The rollback plan: to `to` when given, else to the tag the file held before the current one, found by
 * reading the file at each earlier commit that touched it. The plan records the tag it replaces, so a
 * change to the file between planning and approval is refused rather than overwritten.
 */
export async function chooseRollback(
  repo: ManifestsRepo,
  env: EnvTarget,
  location: TagLocation,
  target: Target,
  to: string | undefined,
): Promise<RollbackPlan> {
  const where = `${repo.name.fullName}/${env.file}`;
  const current = readTag((await repo.read(env.file, env.branch)).text, location, env.file).tag;
  if (to !== undefined) {
    if (!isValidTag(to)) throw new UserError(`\`${to}\` cannot be an image tag; give the tag to roll back to`);
    if (to === current) throw new UserError(`${target.service} in ${target.env} is on ${to} now: pick an earlier tag.`);
    return { from: `${current} (${where})`, to, params: { tag: to, from: current } };
  }
  for (const commit of await repo.history(env.file, env.branch, HISTORY_DEPTH)) {
    let tag: string;
    try {
      tag = readTag((await repo.read(env.file, commit.sha)).text, location, env.file).tag;
    } catch {
      // An old version of the file without the tag (or not yet valid) says nothing about earlier tags.
      continue;
    }
    if (tag !== current) {
      return {
        from: `${current} (${where})`,
        to: `${tag} (as of ${commit.sha.slice(0, 7)})`,
        params: { tag, from: current, commit: commit.sha },
      };
    }
  }
  throw new UserError(
    `nothing to roll back to: the last ${HISTORY_DEPTH} commits of ${where} on ${env.branch} all have ${current}. ` +
      'Give the tag with --to.',
  );
}

/** Reads back what `chooseRollback` stored (plans round-trip through the store as JSON). */
export function planParams(plan: RollbackPlan): { tag: string; from: string } {
  const { tag, from } = plan.params;
  if (typeof tag !== 'string' || typeof from !== 'string') {
    throw new Error(`rollback plan ${JSON.stringify(plan.params)} has no tag to go back to`);
  }
  return { tag, from };
}
