import type { V1Deployment } from '@kubernetes/client-node';
import type { Progress } from '../../ports/backends.ts';
import type { Logger } from '../../ports/logger.ts';
import { type DeploymentHandle, revisionOf } from './deployment-handle.ts';
import type { Timing } from './options.ts';
import { applyRollback } from './rollback-patch.ts';
import { loadRollbackContext, type RollbackContext } from './rollback-target.ts';
import type { Revision } from './revisions.ts';
import { type RolloutOutcome, watchRollout } from './rollout-watch.ts';

export interface RollbackRun {
  /** The revision whose template was restored. */
  target: Revision;
  outcome: RolloutOutcome;
}

/**
 * The one rollback path, for `/rollback` and for automatic rollbacks: re-reads the Deployment and its revisions,
 * lets `pick` choose (and validate) the target, writes it like kubectl and watches the rollout that follows.
 */
export async function runRollback(
  handle: DeploymentHandle,
  container: string | undefined,
  pick: (ctx: RollbackContext) => Revision,
  cause: (revision: number) => string,
  progress: Progress,
  timing: Timing,
  log: Logger,
): Promise<RollbackRun> {
  const ctx = await loadRollbackContext(handle, container);
  const target = pick(ctx);
  log.info(
    { deployment: `${handle.namespace}/${handle.name}`, context: handle.client.context, revision: target.number },
    'rolling back',
  );
  await applyRollback(handle, ctx.deployment, target, cause(target.number));
  const headline = `Rolling back to ${target.image ?? `revision ${target.number}`}`;
  const outcome = await watchRollout(handle, headline, progress, timing, log);
  return { target, outcome };
}

/** `revision 9, from revision 6`: the new revision number the controller gave the restored template. */
export function restored(d: V1Deployment, from: number): string {
  const now = revisionOf(d);
  return now === undefined || now === from ? `revision ${from}` : `revision ${now}, from revision ${from}`;
}
