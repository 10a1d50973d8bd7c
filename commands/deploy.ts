import { z } from 'zod';
import { defineChange } from '../src/core/changes/define-change.ts';
import { breaksGlass } from '../src/core/authorize.ts';
import { defineCommand } from '../src/core/command.ts';
import { UserError } from '../src/core/errors.ts';
import { shortSha } from '../src/core/format.ts';
import { envelopeOf } from '../src/core/changes/request-envelope.ts';
import { checkDeployGates, type GateDeps } from '../src/core/gates/deploy-gates.ts';
import { bold, code, link, mention, t, type Text } from '../src/core/text.ts';
import type { Backends, RunningVersion } from '../src/ports/backends.ts';
import { CHANGE_FLAGS, CHANGE_OPTIONS, deployerOf, ENV, SERVICE } from './target.ts';
import type { StoredRequest } from '../src/ports/store.ts';

/** How `sha` differs from what runs now, with a compare link; a warning when it goes back. */
export async function changesSince(
  backends: Backends,
  repo: string | undefined,
  current: RunningVersion | undefined,
  sha: string | undefined,
): Promise<{ field: Text | undefined; warning: string | undefined }> {
  // Images tagged by ref (v1.4.2) name the running commit by that ref; GitHub compares refs too.
  const base = current?.sha ?? current?.ref;
  if (!repo || !backends.sourceControl || !base || !sha) return { field: undefined, warning: undefined };
  const none = { field: t`${bold('Changes')}\nnone`, warning: 'This commit is already running there.' };
  if (base === sha) return none;
  const diff = await backends.sourceControl.compare(repo, base, sha).catch(() => undefined);
  if (!diff) return { field: undefined, warning: undefined };
  if (diff.aheadBy === 0 && diff.behindBy === 0) return none;
  const compare = link(diff.url, 'compare');
  if (diff.behindBy > 0 && diff.aheadBy === 0) {
    const back = `${diff.behindBy} commit${diff.behindBy === 1 ? '' : 's'}`;
    return {
      field: t`${bold('Changes')}\n${back} ${bold('behind')} (${compare})`,
      warning: `This goes back ${back} from what runs now.`,
    };
  }
  const extra = diff.behindBy > 0 ? `, ${diff.behindBy} behind` : '';
  const commits = `${diff.aheadBy} commit${diff.aheadBy === 1 ? '' : 's'}`;
  return { field: t`${bold('Changes')}\n${commits}${extra} (${compare})`, warning: undefined };
}

export const deploy = defineCommand({
  family: 'deploy',
  summary: 'Deploy a ref (tag, branch or sha) of a service to an environment',
  examples: [
    '/deploy api staging',
    '/deploy api prod v1.4.2 --reason "fix checkout timeouts"',
    '/deploy web prod main --dry-run',
  ],
  positionals: [
    SERVICE,
    ENV,
    { name: 'ref', optional: true, help: "tag, branch or commit sha (default: the service's defaultRef)" },
  ],
  flags: {
    ...CHANGE_FLAGS,
  },
  schema: z.object({
    service: z.string(),
    env: z.string(),
    ref: z
      .string()
      .max(200)
      .regex(/^[\w./@+-]+$/, 'expected a git ref such as v1.4.2, main or a commit sha')
      .optional(),
    ...CHANGE_OPTIONS,
  }),
  permission: 'deploy',
  mutating: true,
  guarded: true,
  needs: ['catalog', 'backends', 'commitChecks', 'requests', 'clock', 'permissions'],
  async handler({ args, actor, deps, submit, log }) {
    const { catalog, backends } = deps;
    const svc = catalog.services[args.service]!;
    const deployer = deployerOf(backends, args.service);
    const target = { service: args.service, env: args.env };
    const ref = args.ref ?? svc.github?.defaultRef ?? 'main';
    const repo = svc.github?.repo;
    const resolved = repo && backends.sourceControl ? await backends.sourceControl.resolveRef(repo, ref) : undefined;
    await deployer.checkRef?.(target, ref);
    const current = await deployer.current(target).catch((err: unknown) => {
      log.warn({ err }, 'could not read the running version');
      return undefined;
    });
    const gates = await checkDeployGates(deps, {
      ...target,
      repo,
      ref,
      sha: resolved?.sha,
      force: args.force,
      canBreakGlass: breaksGlass(deps.permissions, actor.roles, target),
    });
    if (gates.blocked) throw new UserError(t`${gates.blocked}.`);
    const changes = await changesSince(backends, repo, current, resolved?.sha);
    const refText = resolved ? t`${code(ref)} → ${link(resolved.url, code(shortSha(resolved.sha)))}` : code(ref);
    const sha = resolved ? t` (${code(shortSha(resolved.sha))})` : '';
    const env = catalog.environments[args.env];
    await submit(
      deployChange.plan({
        service: args.service,
        env: args.env,
        title: `Deploy ${args.service} to ${args.env}`,
        headline: t`${mention(actor.userId)} wants to deploy ${code(ref)}${sha} to ${bold(args.env)}.`,
        fields: [
          t`${bold('Ref')}\n${refText}`,
          t`${bold('Running now')}\n${current?.description ?? 'unknown'}`,
          ...(changes.field ? [changes.field] : []),
          ...gates.fields,
          ...(args.reason ? [t`${bold('Reason')}\n${args.reason}`] : []),
        ],
        params: {
          ref,
          sha: resolved?.sha ?? null,
          reason: args.reason ?? null,
          autoRollback: env?.autoRollback ?? Boolean(env?.approval),
        },
        warnings: changes.warning ? [changes.warning] : [],
        basis: current?.description,
      }),
      { dryRun: args.dryRun, forced: gates.forced, emergency: args.emergency },
    );
  },
});

/** Reads what runs now the way the plan did, so a stale request is caught at approval time. */
export async function runningVersion({
  request,
  backends,
}: {
  request: StoredRequest;
  backends: Backends;
}): Promise<string> {
  const current = await deployerOf(backends, request.service).current({ service: request.service, env: request.env });
  return current?.description ?? 'unknown';
}

/** The deploy's gates on the stored commit, as the command checked them; the caller decides what `--force` passed. */
export async function deployGatesNow({ request, gates }: { request: StoredRequest; gates: GateDeps }) {
  const exec = envelopeOf(request).exec as { ref?: unknown; sha?: unknown };
  const ref = typeof exec.ref === 'string' ? exec.ref : '';
  return checkDeployGates(gates, {
    service: request.service,
    env: request.env,
    repo: gates.catalog.services[request.service]?.github?.repo,
    ref,
    sha: typeof exec.sha === 'string' ? exec.sha : undefined,
    force: false,
    canBreakGlass: false,
  });
}

export const deployChange = defineChange({
  kind: 'deploy',
  concern: 'version',
  params: z.object({
    ref: z.string(),
    sha: z.string().nullable(),
    reason: z.string().nullable(),
    autoRollback: z.boolean(),
  }),
  readBasis: runningVersion,
  recheckGates: deployGatesNow,
  execute: async ({ request, params, approvers, progress, backends }) =>
    deployerOf(backends, request.service).deploy(
      {
        target: { service: request.service, env: request.env },
        ref: params.ref,
        sha: params.sha ?? undefined,
        requester: request.requester,
        approvers,
        reason: params.reason ?? undefined,
        requestId: request.id,
        autoRollback: params.autoRollback,
      },
      progress,
    ),
});
