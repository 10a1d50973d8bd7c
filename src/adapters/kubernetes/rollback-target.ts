import type { V1Deployment } from '@kubernetes/client-node';
import { UserError } from '../../core/errors.ts';
import { assertNotPaused, type DeploymentHandle, pickContainer, readDeployment } from './deployment-handle.ts';
import { parseImage, tagMatches } from './images.ts';
import { listRevisions, type Revision, sameTemplate } from './revisions.ts';

export interface RollbackContext {
  deployment: V1Deployment;
  /** The image running now, in the deployed container. */
  image: string | undefined;
  revisions: Revision[];
}

/** Reads what a rollback decides on; refuses paused Deployments as `kubectl rollout undo` does. */
export async function loadRollbackContext(
  handle: DeploymentHandle,
  container: string | undefined,
): Promise<RollbackContext> {
  const deployment = await readDeployment(handle);
  assertNotPaused(deployment, handle);
  const picked = pickContainer(deployment, handle, container);
  return { deployment, image: picked.image, revisions: await listRevisions(handle, deployment, picked.name) };
}

const REVISION_NUMBER = /^(?:revision\s*)?(\d+)$/i;

/**
 * `kubectl rollout undo` target selection (platform-facts §3.1): no `to` is the second-highest revision, a number
 * (or `revision N`) that exact revision, anything else the newest revision running that image tag.
 */
export function chooseRevision(ctx: RollbackContext, handle: DeploymentHandle, to: string | undefined): Revision {
  const { revisions } = ctx;
  const available = () => revisions.map((r) => r.number).join(', ') || 'none';
  let chosen: Revision | undefined;
  if (to === undefined) {
    chosen = revisions.at(-2);
    if (!chosen) throw new UserError(`nothing to roll back to: ${handle.label} has no earlier revision`);
  } else if (REVISION_NUMBER.test(to.trim())) {
    const number = Number(REVISION_NUMBER.exec(to.trim())?.[1]);
    chosen = revisions.find((r) => r.number === number);
    if (!chosen) throw new UserError(`unable to find revision ${number} of ${handle.label}; available: ${available()}`);
  } else {
    chosen = revisions.findLast((r) => r.image !== undefined && tagMatches(parseImage(r.image).tag, to));
    if (!chosen) {
      const tags = revisions.map((r) => `${r.number} (${r.image ? (parseImage(r.image).tag ?? r.image) : 'unknown'})`);
      throw new UserError(`no revision of ${handle.label} runs tag "${to}"; available: ${tags.join(', ') || 'none'}`);
    }
  }
  assertChangesTemplate(ctx, handle, chosen);
  return chosen;
}

/** kubectl reports "skipped rollback" when the target's template is the one running; we say so instead. */
export function assertChangesTemplate(ctx: RollbackContext, handle: DeploymentHandle, target: Revision): void {
  if (sameTemplate(ctx.deployment, target.replicaSet)) {
    throw new UserError(
      `${handle.label} is already running revision ${target.number} (${target.image ?? 'unknown image'})`,
    );
  }
}
