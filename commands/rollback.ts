import { z } from 'zod';
import { defineChange } from '../src/core/changes/define-change.ts';
import { changesSince, runningVersion } from './deploy.ts';
import { defineCommand } from '../src/core/command.ts';
import { bold, mention, t } from '../src/core/text.ts';
import { CHANGE_FLAGS, CHANGE_OPTIONS, deployerOf, ENV, SERVICE } from './target.ts';

export const rollback = defineCommand({
  family: 'rollback',
  summary: 'Roll a service back to its previous version, or to a given revision or ref',
  examples: ['/rollback api prod', '/rollback api prod --to 41', '/rollback worker staging --to v1.3.0 --dry-run'],
  positionals: [SERVICE, ENV],
  flags: {
    to: {
      type: 'string',
      placeholder: 'revision|ref',
      help: 'a Kubernetes revision number or a ref (default: the version before the current one)',
    },
    ...CHANGE_FLAGS,
  },
  schema: z.object({
    service: z.string(),
    env: z.string(),
    to: z
      .string()
      .max(200)
      .regex(/^[\w./@+-]+$/, 'expected a revision number or a git ref')
      .optional(),
    ...CHANGE_OPTIONS,
  }),
  permission: 'rollback',
  mutating: true,
  guarded: true,
  needs: ['backends', 'catalog'],
  async handler({ args, actor, deps: { backends, catalog }, submit }) {
    const deployer = deployerOf(backends, args.service);
    const target = { service: args.service, env: args.env };
    const plan = await deployer.planRollback(target, args.to);
    const current = await deployer.current(target).catch(() => undefined);
    // GitHub drivers go back to a commit: the approver sees what the rollback takes out.
    const back = typeof plan.params.sha === 'string' ? plan.params.sha : undefined;
    const changes = await changesSince(backends, catalog.services[args.service]?.github?.repo, current, back);
    await submit(
      rollbackChange.plan({
        service: args.service,
        env: args.env,
        title: `Roll back ${args.service} in ${args.env}`,
        headline: t`${mention(actor.userId)} wants to roll back ${bold(args.service)} in ${bold(args.env)}.`,
        fields: [
          t`${bold('Running now')}\n${plan.from}`,
          t`${bold('Back to')}\n${plan.to}`,
          ...(changes.field ? [changes.field] : []),
          ...(args.reason ? [t`${bold('Reason')}\n${args.reason}`] : []),
        ],
        params: { plan: { from: plan.from, to: plan.to, params: plan.params } },
        warnings: plan.warnings,
        basis: current?.description,
      }),
      { dryRun: args.dryRun, emergency: args.emergency },
    );
  },
});

export const rollbackChange = defineChange({
  kind: 'rollback',
  concern: 'version',
  // What the driver planned (a revision, a ref), as it needs it back to carry the rollback out.
  params: z.object({ plan: z.object({ from: z.string(), to: z.string(), params: z.record(z.string(), z.unknown()) }) }),
  readBasis: runningVersion,
  execute: async ({ request, params, approvers, progress, backends }) =>
    deployerOf(backends, request.service).rollback(
      { service: request.service, env: request.env },
      params.plan,
      { requester: request.requester, requestId: request.id, approvers },
      progress,
    ),
});
