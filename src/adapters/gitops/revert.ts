import type { DeployOutcome, Progress, Target } from '../../ports/backends.ts';
import type { Logger } from '../../ports/logger.ts';
import type { Applied, TagEdit } from './apply-change.ts';
import { type ChangeMeta, tagEdit } from './commit-message.ts';
import { describeCommit } from './outcome-text.ts';
import type { WatchOutcome } from './watch.ts';

/** How the deployer writes a tag and follows it, for the revert to do the same. */
export interface RevertSteps {
  apply(edit: TagEdit, progress: Progress): Promise<Applied>;
  watch(
    applied: Extract<Applied, { state: 'committed' | 'unchanged' }>,
    tag: string,
    progress: Progress,
  ): Promise<WatchOutcome>;
  log: Logger;
}

/**
 * The automatic rollback of a failed rollout: a new commit putting back the tag that ran before (only if
 * the failed tag is still there), followed like the deploy. Its outcome is the deploy's, failed.
 */
export async function revertFailedRollout(
  steps: RevertSteps,
  target: Target & { file: string },
  failure: { failed: string; url: string | undefined; from: string; to: string; meta: ChangeMeta },
  progress: Progress,
): Promise<DeployOutcome> {
  const { service, env, file } = target;
  const { failed, url, from, to, meta } = failure;
  const done = (rolledBack: boolean, summary: string): DeployOutcome => ({ ok: false, rolledBack, url, summary });
  try {
    const edit = tagEdit({
      action: 'Revert',
      service,
      env,
      ref: to,
      sha: undefined,
      from,
      to,
      file,
      meta,
      why: `Automatic rollback: the rollout of ${from} failed.`,
      suffix: `${meta.requestId}-revert`,
    });
    const applied = await steps.apply(edit, progress);
    if (applied.state !== 'committed' && applied.state !== 'unchanged') {
      const why = applied.state === 'failed' ? applied.reason : 'its pull request waits for review';
      return done(false, `${failed} The revert to ${to} was not applied: ${why}.`);
    }
    const commit = applied.state === 'committed' ? ` with ${describeCommit(applied)}` : '';
    const watched = await steps.watch(applied, to, progress);
    if (watched.ok) return done(true, `${failed} Reverted to ${to}${commit}: ${watched.detail}.`);
    return done(false, `${failed} Reverted to ${to}${commit}, which did not converge either: ${watched.reason}.`);
  } catch (error) {
    steps.log.error({ err: error, service, env }, 'automatic revert failed');
    const why = error instanceof Error ? error.message : String(error);
    return done(false, `${failed} Automatic revert failed: ${why}`);
  }
}
