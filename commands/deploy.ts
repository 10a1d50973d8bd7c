import { z } from 'zod';
import type { ChangeKind } from '../src/core/change.ts';
import { defineCommand } from '../src/core/command.ts';
import { UserError } from '../src/core/errors.ts';
import { mention, plain, shortSha, userText } from '../src/core/format.ts';
import type { Backends, RunningVersion } from '../src/ports/backends.ts';
import { deployerOf, DRY_RUN, ENV, FORCE, SERVICE } from './target.ts';

async function changesSince(
  backends: Backends,
  repo: string | undefined,
  current: RunningVersion | undefined,
  sha: string | undefined,
) {
  // Images tagged by ref (v1.4.2) name the running commit by that ref; GitHub compares refs too.
  const base = current?.sha ?? current?.ref;
  if (!repo || !backends.sourceControl || !base || !sha) return { field: undefined, warning: undefined };
  if (base === sha) return { field: '*Changes*\nnone', warning: 'This commit is already running there.' };
  const diff = await backends.sourceControl.compare(repo, base, sha).catch(() => undefined);
  if (!diff) return { field: undefined, warning: undefined };
  if (diff.aheadBy === 0 && diff.behindBy === 0)
    return { field: '*Changes*\nnone', warning: 'This commit is already running there.' };
  const link = `<${diff.url}|compare>`;
  if (diff.behindBy > 0 && diff.aheadBy === 0) {
    return {
      field: `*Changes*\n${diff.behindBy} commits *behind* (${link})`,
      warning: `This goes back ${diff.behindBy} commits from what runs now.`,
    };
  }
  const extra = diff.behindBy > 0 ? `, ${diff.behindBy} behind` : '';
  return {
    field: `*Changes*\n${diff.aheadBy} commit${diff.aheadBy === 1 ? '' : 's'}${extra} (${link})`,
    warning: undefined,
  };
}

/**
 * With images tagged by ref, the tag must be a valid image tag and must not move: a branch tag
 * (`:main`) may point at something other than the commit the approver saw.
 */
async function checkImageTag(
  backends: Backends,
  repo: string | undefined,
  ref: string,
  service: string,
): Promise<void> {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(ref)) {
    throw new UserError(
      `\`${ref}\` cannot be an image tag. ` +
        `Deploy a tag or commit, or set \`services.${service}.deploy.tag: sha\` in opsdeck.yaml.`,
    );
  }
  if (repo && backends.sourceControl && (await backends.sourceControl.refKind(repo, ref)) === 'branch') {
    throw new UserError(
      `\`${ref}\` is a branch, and images here are tagged by ref: \`:${ref}\` may not be the commit you mean. ` +
        `Deploy a tag (e.g. \`v1.4.2\`), or set \`services.${service}.deploy.tag: sha\` ` +
        'to deploy images tagged by commit.',
    );
  }
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
    reason: { type: 'string', placeholder: 'text', help: 'why, shown to approvers and kept in the audit log' },
    'dry-run': DRY_RUN,
    force: FORCE,
  },
  schema: z.object({
    service: z.string(),
    env: z.string(),
    ref: z
      .string()
      .max(200)
      .regex(/^[\w./@+-]+$/, 'expected a git ref such as v1.4.2, main or a commit sha')
      .optional(),
    reason: z.string().max(500).optional(),
    dryRun: z.boolean().default(false),
    force: z.boolean().default(false),
  }),
  permission: 'deploy',
  mutating: true,
  guarded: true,
  async handler({ args, actor, services: { catalog, backends }, submit, log }) {
    const svc = catalog.services[args.service]!;
    const deployer = deployerOf(backends, args.service);
    const target = { service: args.service, env: args.env };
    const ref = args.ref ?? svc.github?.defaultRef ?? 'main';
    const repo = svc.github?.repo;
    const resolved = repo && backends.sourceControl ? await backends.sourceControl.resolveRef(repo, ref) : undefined;
    if (svc.deploy?.via === 'kubernetes' && svc.deploy.tag !== 'sha')
      await checkImageTag(backends, repo, ref, args.service);
    const current = await deployer.current(target).catch((err: unknown) => {
      log.warn({ err }, 'could not read the running version');
      return undefined;
    });
    const changes = await changesSince(backends, repo, current, resolved?.sha);
    const refText = resolved ? `\`${ref}\` → <${resolved.url}|\`${shortSha(resolved.sha)}\`>` : `\`${ref}\``;
    const env = catalog.environments[args.env];
    await submit(
      {
        kind: 'deploy',
        service: args.service,
        env: args.env,
        title: `Deploy ${args.service} to ${args.env}`,
        headline:
          `${mention(actor.userId)} wants to deploy \`${ref}\`` +
          `${resolved ? ` (\`${shortSha(resolved.sha)}\`)` : ''} to *${args.env}*.`,
        fields: [
          `*Ref*\n${refText}`,
          `*Running now*\n${current ? plain(current.description) : 'unknown'}`,
          ...(changes.field ? [changes.field] : []),
          ...(args.reason ? [`*Reason*\n${userText(args.reason)}`] : []),
        ],
        binding: { ref, sha: resolved?.sha ?? null },
        exec: {
          ref,
          sha: resolved?.sha ?? null,
          reason: args.reason ?? null,
          autoRollback: env?.autoRollback ?? Boolean(env?.approval),
        },
        warnings: changes.warning ? [changes.warning] : [],
        basis: current?.description,
      },
      { dryRun: args.dryRun },
    );
  },
});

/** Reads what runs now the way the plan did, so a stale request is caught at approval time. */
export async function runningVersion({
  request,
  backends,
}: Parameters<NonNullable<ChangeKind['readBasis']>>[0]): Promise<string> {
  const current = await deployerOf(backends, request.service).current({ service: request.service, env: request.env });
  return current?.description ?? 'unknown';
}

export const deployChange: ChangeKind = {
  concern: 'version',
  readBasis: runningVersion,
  execute: async ({ request, exec, progress, backends }) =>
    deployerOf(backends, request.service).deploy(
      {
        target: { service: request.service, env: request.env },
        ref: String(exec.ref),
        sha: typeof exec.sha === 'string' ? exec.sha : undefined,
        requester: request.requester,
        reason: typeof exec.reason === 'string' ? exec.reason : undefined,
        requestId: request.id,
        autoRollback: exec.autoRollback === true,
      },
      progress,
    ),
};
