import { UserError } from '../../core/errors.ts';
import type {
  DeployInput,
  DeployOutcome,
  Deployer,
  Progress,
  RollbackPlan,
  RunningVersion,
  Target,
} from '../../ports/backends.ts';
import type { Logger } from '../../ports/logger.ts';
import { rollbackCause } from './change-cause.ts';
import { ClusterClients } from './cluster-clients.ts';
import {
  type DeploymentHandle,
  deploymentHandle,
  describeVersion,
  pickContainer,
  readDeployment,
  revisionOf,
} from './deployment-handle.ts';
import { runDeploy } from './deploy-run.ts';
import { isFullSha, parseImage } from './images.ts';
import { driverLog, type KubernetesDriverOptions, type KubernetesServiceConfig, type Timing, timingOf } from './options.ts';
import { restored, runRollback } from './rollback-run.ts';
import { assertChangesTemplate, chooseRevision, loadRollbackContext } from './rollback-target.ts';

/** Deploys by setting the image of a Deployment, and rolls back like `kubectl rollout undo`. */
export class KubernetesDeployer implements Deployer {
  readonly #clients: ClusterClients;
  readonly #service: KubernetesServiceConfig;
  readonly #timing: Timing;
  readonly #log: Logger;

  constructor(options: KubernetesDriverOptions) {
    this.#timing = timingOf(options);
    this.#clients = new ClusterClients(options.kubeconfig, options.contexts, this.#timing.requestTimeoutMs);
    this.#service = options.service;
    this.#log = driverLog(options);
  }

  async current(target: Target): Promise<RunningVersion> {
    const h = this.#handle(target);
    const d = await readDeployment(h);
    const image = pickContainer(d, h, this.#service.container).image;
    const tag = image === undefined ? undefined : parseImage(image).tag;
    return { ref: tag, sha: isFullSha(tag) ? tag : undefined, description: describeVersion(image, revisionOf(d)) };
  }

  deploy(input: DeployInput, progress: Progress): Promise<DeployOutcome> {
    const h = this.#handle(input.target);
    return runDeploy({ h, service: this.#service, timing: this.#timing, log: this.#log }, input, progress);
  }

  async planRollback(target: Target, to: string | undefined): Promise<RollbackPlan> {
    const h = this.#handle(target);
    const ctx = await loadRollbackContext(h, this.#service.container);
    const chosen = chooseRevision(ctx, h, to);
    return {
      from: describeVersion(ctx.image, revisionOf(ctx.deployment)),
      to: describeVersion(chosen.image, chosen.number),
      params: { revision: chosen.number, image: chosen.image },
    };
  }

  async rollback(
    target: Target,
    plan: RollbackPlan,
    meta: { requester: string; requestId: string },
    progress: Progress,
  ): Promise<DeployOutcome> {
    const revision = plan.params.revision;
    if (typeof revision !== 'number') {
      throw new Error(`rollback plan for ${target.service} in ${target.env} has no revision number`);
    }
    const h = this.#handle(target);
    const { target: restoredRevision, outcome } = await runRollback(
      h,
      this.#service.container,
      (ctx) => {
        // The revision may have been pruned (revisionHistoryLimit) between planning and approval.
        const found = ctx.revisions.find((r) => r.number === revision);
        if (!found) throw new UserError(`revision ${revision} of ${h.label} no longer exists; plan the rollback again`);
        assertChangesTemplate(ctx, h, found);
        return found;
      },
      (number) => rollbackCause(meta.requester, number, meta.requestId, false),
      progress,
      this.#timing,
      this.#log,
    );
    const image = restoredRevision.image ?? `revision ${revision}`;
    const { service, env } = target;
    if (!outcome.ok) {
      const summary = `Rollback of ${service} in ${env} to ${image} (revision ${revision}) failed: ${outcome.reason}.`;
      return { ok: false, summary };
    }
    return { ok: true, summary: `${service} is back on ${image} in ${env} (${restored(outcome.deployment, revision)}).` };
  }

  #handle(target: Target): DeploymentHandle {
    return deploymentHandle(this.#clients, this.#service, target.env);
  }
}
