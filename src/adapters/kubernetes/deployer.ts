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
import { rollbackCause } from './change-cause.ts';
import { type DriverContext, driverContext } from './driver-context.ts';
import { describeVersion, pickContainer, readDeployment, revisionOf } from './deployment-handle.ts';
import { runDeploy } from './deploy-run.ts';
import { isFullSha, isValidTag, parseImage } from './images.ts';
import type { KubernetesDriverOptions } from './options.ts';
import { restored, runRollback } from './rollback-run.ts';
import { assertChangesTemplate, chooseRevision, loadRollbackContext } from './rollback-target.ts';

/** Deploys by setting the image of a Deployment, and rolls back like `kubectl rollout undo`. */
export class KubernetesDeployer implements Deployer {
  readonly #ctx: DriverContext;
  readonly #refKind: KubernetesDriverOptions['refKind'];

  constructor(options: KubernetesDriverOptions) {
    this.#ctx = driverContext(options);
    this.#refKind = options.refKind;
  }

  /**
   * With images tagged by ref, the ref must be a valid image tag and must not move: a branch tag
   * (`:main`) may point at something other than the commit the approver saw.
   */
  async checkRef(target: Target, ref: string): Promise<void> {
    if (this.#ctx.service.tag === 'sha') return;
    const setting = `services.${target.service}.deploy.tag: sha`;
    if (!isValidTag(ref)) {
      throw new UserError(
        `\`${ref}\` cannot be an image tag. Deploy a tag or commit, or set \`${setting}\` in opsdeck.yaml.`,
      );
    }
    if ((await this.#refKind?.(ref)) === 'branch') {
      throw new UserError(
        `\`${ref}\` is a branch, and images here are tagged by ref: \`:${ref}\` may not be the commit you mean. ` +
          `Deploy a tag (e.g. \`v1.4.2\`), or set \`${setting}\` to deploy images tagged by commit.`,
      );
    }
  }

  async current(target: Target): Promise<RunningVersion> {
    const handle = this.#ctx.handle(target);
    const d = await readDeployment(handle);
    const image = pickContainer(d, handle, this.#ctx.service.container).image;
    const tag = image === undefined ? undefined : parseImage(image).tag;
    return { ref: tag, sha: isFullSha(tag) ? tag : undefined, description: describeVersion(image, revisionOf(d)) };
  }

  deploy(input: DeployInput, progress: Progress): Promise<DeployOutcome> {
    const handle = this.#ctx.handle(input.target);
    return runDeploy(
      { handle, service: this.#ctx.service, timing: this.#ctx.timing, log: this.#ctx.log },
      input,
      progress,
    );
  }

  async planRollback(target: Target, to: string | undefined): Promise<RollbackPlan> {
    const handle = this.#ctx.handle(target);
    const ctx = await loadRollbackContext(handle, this.#ctx.service.container);
    const chosen = chooseRevision(ctx, handle, to);
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
    const handle = this.#ctx.handle(target);
    const { target: restoredRevision, outcome } = await runRollback(
      handle,
      this.#ctx.service.container,
      (ctx) => {
        // The revision may have been pruned (revisionHistoryLimit) between planning and approval.
        const found = ctx.revisions.find((r) => r.number === revision);
        if (!found)
          throw new UserError(`revision ${revision} of ${handle.label} no longer exists; plan the rollback again`);
        assertChangesTemplate(ctx, handle, found);
        return found;
      },
      (number) => rollbackCause(meta.requester, number, meta.requestId, false),
      progress,
      this.#ctx.timing,
      this.#ctx.log,
    );
    const image = restoredRevision.image ?? `revision ${revision}`;
    const { service, env } = target;
    if (!outcome.ok) {
      const summary = `Rollback of ${service} in ${env} to ${image} (revision ${revision}) failed: ${outcome.reason}.`;
      return { ok: false, summary };
    }
    return {
      ok: true,
      summary: `${service} is back on ${image} in ${env} (${restored(outcome.deployment, revision)}).`,
    };
  }
}
