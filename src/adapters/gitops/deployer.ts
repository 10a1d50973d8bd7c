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
import { isFullSha, isValidTag } from '../kubernetes/images.ts';
import { type Applied, applyTag, type TagEdit } from './apply-change.ts';
import { autoSyncEnabled, describeApp } from './argocd-state.ts';
import { tagEdit } from './commit-message.ts';
import { ManifestsRepo } from './manifests-repo.ts';
import { envTarget, type EnvTarget, type GitOpsDeployerOptions, type GitOpsServiceConfig } from './options.ts';
import { changeUrl, describeCommit, notApplied } from './outcome-text.ts';
import { type RevertSteps, revertFailedRollout } from './revert.ts';
import { chooseRollback, planParams } from './rollback-choice.ts';
import { readTag } from './tag-location.ts';
import { podsSay, type WatchOutcome, type WatchTiming, watchArgoCd, watchDeployment } from './watch.ts';

/**
 * Deploys by changing the image tag in a manifests repository (a commit, or a pull request merged through
 * the REST API), then follows Argo CD or the Deployment until the change converged. Rollbacks, manual or
 * automatic, are new commits that put the previous tag back: history is never rewritten.
 */
export class GitOpsDeployer implements Deployer {
  readonly #o: GitOpsDeployerOptions;
  readonly #config: GitOpsServiceConfig;
  readonly #repo: ManifestsRepo;
  readonly #timing: WatchTiming;
  readonly #log: Logger;

  constructor(options: GitOpsDeployerOptions) {
    this.#o = options;
    this.#config = options.config;
    this.#repo = new ManifestsRepo(options.octokit, options.config.repo);
    this.#timing = {
      clock: options.clock,
      pollMs: options.pollMs ?? 2000,
      timeoutMs: options.timeoutMs ?? 15 * 60_000,
    };
    this.#log = options.log.child({ driver: 'gitops', repo: options.config.repo });
  }

  async checkRef(target: Target, ref: string): Promise<void> {
    if (this.#config.tag === 'sha') return;
    const setting = `services.${target.service}.deploy.tag: sha`;
    if (!isValidTag(ref)) {
      throw new UserError(
        `\`${ref}\` cannot be an image tag. Deploy a tag or commit, or set \`${setting}\` in opsdeck.yaml.`,
      );
    }
    if ((await this.#o.refKind?.(ref)) === 'branch') {
      throw new UserError(
        `\`${ref}\` is a branch, and images here are tagged by ref: \`:${ref}\` may not be the commit you mean. ` +
          `Deploy a tag (e.g. \`v1.4.2\`), or set \`${setting}\` to deploy images tagged by commit.`,
      );
    }
  }

  async current(target: Target): Promise<RunningVersion> {
    const env = envTarget(this.#config, target.env);
    const [file, [last]] = await Promise.all([
      this.#repo.read(env.file, env.branch),
      this.#repo.history(env.file, env.branch, 1),
    ]);
    const { tag } = readTag(file.text, this.#config.image, env.file);
    const where = `${this.#repo.name.fullName}/${env.file}`;
    const details: NonNullable<RunningVersion['details']> = [];
    if (last)
      details.push({ label: 'Manifests', text: `${last.sha.slice(0, 7)} on ${env.branch} (${where})`, url: last.url });
    if (env.app) {
      const app = await this.#o
        .argocd()
        .getApplication(env.app)
        .catch((err: unknown) => err as Error);
      const text = app instanceof Error ? `unknown (${app.message})` : describeApp(app);
      details.push({ label: `Argo CD ${env.app}`, text, url: this.#argoUrl(env.app) });
    }
    return {
      ref: tag,
      sha: isFullSha(tag) ? tag : undefined,
      // Approvals compare the description: it names the tag, not the commit, so an edit elsewhere in the
      // file (which a deploy writes on top of) does not supersede pending requests.
      description: `${tag} in ${where}`,
      details,
    };
  }

  async deploy(input: DeployInput, progress: Progress): Promise<DeployOutcome> {
    const { service, env } = input.target;
    const tag = this.#tagFor(input);
    const target = envTarget(this.#config, env);
    const meta = { requester: input.requester, approvers: input.approvers ?? [], requestId: input.requestId };
    const { ref, sha, reason: why } = input;
    const edit = tagEdit({
      action: 'Deploy',
      service,
      env,
      ref,
      sha,
      from: undefined,
      to: tag,
      file: target.file,
      meta,
      why,
      suffix: input.requestId,
    });
    const applied = await this.#apply(target, edit, progress);
    if (applied.state !== 'committed' && applied.state !== 'unchanged') return notApplied(input.target, tag, applied);
    const where = `${service} in ${env}`;
    const commit = applied.state === 'committed' ? ` (${describeCommit(applied)})` : ' (the manifests already had it)';
    const url = changeUrl(applied);
    const watched = await this.#watch(target, applied, tag, progress).catch((error: unknown) => error as Error);
    if (watched instanceof Error) {
      // The tag is in; what it did is unknown, so it is neither reported good nor reverted.
      const why = `${watched.message.replace(/\.$/, '')}. Not reverted: check ${target.app ?? 'the Deployment'}.`;
      return {
        ok: false,
        url,
        summary: `${where} was set to ${tag}${commit}, but following the rollout failed: ${why}`,
      };
    }
    if (watched.ok) return { ok: true, summary: `${where} runs ${tag}${commit}: ${watched.detail}.`, url };
    const warning = await this.#syncWarning(target);
    const failed = `Rollout of ${tag} to ${where}${commit} failed: ${watched.reason}.${warning}`;
    if (applied.state !== 'committed' || applied.from === tag) return { ok: false, summary: failed, url };
    if (!input.autoRollback) return { ok: false, summary: `${failed} Not reverted (autoRollback is off).`, url };
    const steps: RevertSteps = {
      apply: (e, p) => this.#apply(target, e, p),
      watch: (a, t, p) => this.#watch(target, a, t, p),
      log: this.#log,
    };
    return revertFailedRollout(
      steps,
      { ...input.target, file: target.file },
      { failed, url, from: tag, to: applied.from, meta },
      progress,
    );
  }

  async planRollback(target: Target, to: string | undefined): Promise<RollbackPlan> {
    const env = envTarget(this.#config, target.env);
    const plan = await chooseRollback(this.#repo, env, this.#config.image, target, to);
    const warning = await this.#syncWarning(env);
    return warning ? { ...plan, warnings: [warning.trim()] } : plan;
  }

  async rollback(
    target: Target,
    plan: RollbackPlan,
    meta: { requester: string; requestId: string; approvers?: readonly string[] | undefined },
    progress: Progress,
  ): Promise<DeployOutcome> {
    const { tag, from } = planParams(plan);
    const { service, env } = target;
    const where = envTarget(this.#config, env);
    const change = { ...meta, approvers: meta.approvers ?? [] };
    const edit = tagEdit({
      action: 'Roll back',
      service,
      env,
      ref: tag,
      sha: undefined,
      from,
      to: tag,
      file: where.file,
      meta: change,
      suffix: `${meta.requestId}-rollback`,
    });
    const applied = await this.#apply(where, edit, progress);
    if (applied.state !== 'committed' && applied.state !== 'unchanged') return notApplied(target, tag, applied);
    const watched = await this.#watch(where, applied, tag, progress);
    const commit = applied.state === 'committed' ? ` (${describeCommit(applied)})` : '';
    const url = changeUrl(applied);
    if (watched.ok)
      return { ok: true, summary: `${service} is back on ${tag} in ${env}${commit}: ${watched.detail}.`, url };
    const warning = await this.#syncWarning(where);
    return {
      ok: false,
      summary: `Rollback of ${service} in ${env} to ${tag}${commit} failed: ${watched.reason}.${warning}`,
      url,
    };
  }

  #apply(target: EnvTarget, edit: TagEdit, progress: Progress): Promise<Applied> {
    const { octokit, clock, log } = this.#o;
    const timing = { clock, pollMs: this.#timing.pollMs, timeoutMs: this.#timing.timeoutMs };
    return applyTag({ octokit, repo: this.#repo, config: this.#config, timing, log }, target, edit, progress);
  }

  async #watch(
    target: EnvTarget,
    applied: Extract<Applied, { state: 'committed' | 'unchanged' }>,
    tag: string,
    progress: Progress,
  ): Promise<WatchOutcome> {
    const watch = this.#config.watch;
    if (watch.via === 'kubernetes') {
      return watchDeployment(
        this.#o.kubernetes(),
        { ...watch, env: target.env, tag },
        progress,
        this.#timing,
        this.#log,
      );
    }
    const sha =
      applied.state === 'committed'
        ? applied.commit.sha
        : (await this.#repo.history(target.file, target.branch, 1))[0]?.sha;
    if (!target.app || !sha)
      return { ok: false, reason: `no Argo CD application or manifests commit to follow for ${target.env}` };
    const outcome = await watchArgoCd(
      this.#o.argocd(),
      this.#repo,
      { app: target.app, sync: watch.sync, sha },
      progress,
      this.#timing,
      this.#log,
    );
    const pods = this.#config.pods;
    if (outcome.ok || !pods) return outcome;
    const said = await podsSay(this.#o.kubernetes(), pods, target.env);
    return said ? { ok: false, reason: `${outcome.reason}; ${said}` } : outcome;
  }

  /** ` Argo CD app … does not sync automatically …`, when that is so and opsdeck does not sync it either. */
  async #syncWarning(target: EnvTarget): Promise<string> {
    const watch = this.#config.watch;
    if (watch.via !== 'argocd' || watch.sync || !target.app) return '';
    const app = await this.#o
      .argocd()
      .getApplication(target.app)
      .catch(() => undefined);
    if (!app || autoSyncEnabled(app)) return '';
    return (
      ` Argo CD application ${target.app} has auto-sync disabled: a commit to ${target.file} applies only ` +
      'when someone syncs it (or set deploy.argocd.sync: true).'
    );
  }

  #argoUrl(app: string): string | undefined {
    try {
      return this.#o.argocd().applicationUrl(app);
    } catch {
      return undefined;
    }
  }

  #tagFor(input: DeployInput): string {
    const bySha = this.#config.tag === 'sha';
    const tag = bySha ? (input.sha ?? (isFullSha(input.ref) ? input.ref : undefined)) : input.ref;
    const service = input.target.service;
    if (tag === undefined) {
      throw new UserError(
        `${service} images are tagged by commit sha, but "${input.ref}" did not resolve to a commit; ` +
          `deploy a full sha or give ${service} a GitHub repo`,
      );
    }
    if (!isValidTag(tag)) throw new UserError(`"${tag}" is not a valid image tag (letters, digits, "_", "." and "-")`);
    return tag;
  }
}
