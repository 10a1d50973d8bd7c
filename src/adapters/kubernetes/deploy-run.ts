import { PatchStrategy } from '@kubernetes/client-node';
import { UserError } from '../../core/errors.ts';
import type { DeployInput, DeployOutcome, Progress } from '../../ports/backends.ts';
import type { Logger } from '../../ports/logger.ts';
import { deployCause, rollbackCause } from './change-cause.ts';
import {
  assertNotPaused,
  CHANGE_CAUSE_ANNOTATION,
  type DeploymentHandle,
  pickContainer,
  readDeployment,
} from './deployment-handle.ts';
import { isFullSha, isValidTag, parseImage } from './images.ts';
import type { KubernetesServiceConfig, Timing } from './options.ts';
import { chooseRevision } from './rollback-target.ts';
import { restored, runRollback } from './rollback-run.ts';
import { readiness, watchRollout } from './rollout-watch.ts';

export interface DeployContext {
  handle: DeploymentHandle;
  service: KubernetesServiceConfig;
  timing: Timing;
  log: Logger;
}

/**
 * Sets the image and change-cause in one strategic-merge patch, watches the rollout, and on failure rolls back
 * to the previous revision when asked to.
 */
export async function runDeploy(
  context: DeployContext,
  input: DeployInput,
  progress: Progress,
): Promise<DeployOutcome> {
  const { handle, service } = context;
  const d = await readDeployment(handle);
  assertNotPaused(d, handle);
  const container = pickContainer(d, handle, service.container);
  const image = imageFor(context, input, container.image);
  const body = {
    metadata: { annotations: { [CHANGE_CAUSE_ANNOTATION]: deployCause(input) } },
    spec: { template: { spec: { containers: [{ name: container.name, image }] } } },
  };
  context.log.info(
    { deployment: `${handle.namespace}/${handle.name}`, context: handle.client.context, image },
    'deploying',
  );
  await handle.client.call(
    `set the image of deployment ${handle.namespace}/${handle.name}`,
    (options) =>
      handle.client.apps.patchNamespacedDeployment({ namespace: handle.namespace, name: handle.name, body }, options),
    PatchStrategy.StrategicMergePatch,
  );
  const outcome = await watchRollout(handle, `Rolling out ${image}`, progress, context.timing, context.log);
  const where = `${input.target.service} in ${input.target.env}`;
  if (outcome.ok) {
    const ready = readiness(outcome.deployment);
    return { ok: true, summary: `${input.target.service} is running ${image} in ${input.target.env} (${ready}).` };
  }
  const failed = `Rollout of ${image} to ${where} failed: ${outcome.reason}.`;
  if (!input.autoRollback) return { ok: false, summary: `${failed} Not rolled back (autoRollback is off).` };
  return autoRollback(context, input, failed, progress);
}

/** `<repository>:<ref or sha>`, the repository being the configured one or else the one running now. */
function imageFor(context: DeployContext, input: DeployInput, running: string | undefined): string {
  const service = input.target.service;
  const bySha = context.service.tag === 'sha';
  const tag = bySha ? (input.sha ?? (isFullSha(input.ref) ? input.ref : undefined)) : input.ref;
  if (tag === undefined) {
    throw new UserError(
      `${service} images are tagged by commit sha, but "${input.ref}" did not resolve to a commit; ` +
        `deploy a full sha or give ${service} a GitHub repo`,
    );
  }
  if (!isValidTag(tag)) {
    throw new UserError(
      `"${tag}" is not a valid image tag (letters, digits, "_", "." and "-", at most 128); ` +
        `deploy a tag${bySha ? '' : `, or tag ${service} images by sha`}`,
    );
  }
  const repository = context.service.image ?? (running ? parseImage(running).repository : undefined);
  if (!repository) throw new UserError(`${service} has no image repository to deploy from; set its Kubernetes image`);
  return `${repository}:${tag}`;
}

async function autoRollback(
  context: DeployContext,
  input: DeployInput,
  failed: string,
  progress: Progress,
): Promise<DeployOutcome> {
  try {
    const { target, outcome } = await runRollback(
      context.handle,
      context.service.container,
      (ctx) => chooseRevision(ctx, context.handle, undefined),
      (revision) => rollbackCause(input.requester, revision, input.requestId, true),
      progress,
      context.timing,
      context.log,
    );
    const image = target.image ?? 'the previous image';
    if (outcome.ok) {
      const summary = `${failed} Rolled back to ${image} (${restored(outcome.deployment, target.number)}).`;
      return { ok: false, rolledBack: true, summary };
    }
    const summary = `${failed} The rollback to ${image} did not finish either: ${outcome.reason}.`;
    return { ok: false, rolledBack: false, summary };
  } catch (error) {
    context.log.error(
      { err: error, deployment: `${context.handle.namespace}/${context.handle.name}` },
      'automatic rollback failed',
    );
    const why = error instanceof Error ? error.message : String(error);
    return { ok: false, rolledBack: false, summary: `${failed} Automatic rollback failed: ${why}` };
  }
}
