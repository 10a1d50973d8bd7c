import { z } from 'zod';
import { defineChange } from '../src/core/changes/define-change.ts';
import { runningVersion } from './deploy.ts';
import { defineCommand } from '../src/core/command.ts';
import { bold, mention, t } from '../src/core/text.ts';
import { deployerOf, DRY_RUN, ENV, FORCE, SERVICE, EMERGENCY, EMERGENCY_REASON } from './target.ts';

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
    reason: { type: 'string', placeholder: 'text', help: 'why, shown to approvers and kept in the audit log' },
    'dry-run': DRY_RUN,
    force: FORCE,
    emergency: EMERGENCY,
  },
  schema: z.object({
    service: z.string(),
    env: z.string(),
    to: z
      .string()
      .max(200)
      .regex(/^[\w./@+-]+$/, 'expected a revision number or a git ref')
      .optional(),
    reason: z.string().max(500).optional(),
    dryRun: z.boolean().default(false),
    force: z.boolean().default(false),
    emergency: EMERGENCY_REASON,
  }),
  permission: 'rollback',
  mutating: true,
  guarded: true,
  needs: ['backends'],
  async handler({ args, actor, deps: { backends }, submit }) {
    const deployer = deployerOf(backends, args.service);
    const target = { service: args.service, env: args.env };
    const plan = await deployer.planRollback(target, args.to);
    const current = await deployer.current(target).catch(() => undefined);
    await submit(
      rollbackChange.plan({
        service: args.service,
        env: args.env,
        title: `Roll back ${args.service} in ${args.env}`,
        headline: t`${mention(actor.userId)} wants to roll back ${bold(args.service)} in ${bold(args.env)}.`,
        fields: [
          t`${bold('Running now')}\n${plan.from}`,
          t`${bold('Back to')}\n${plan.to}`,
          ...(args.reason ? [t`${bold('Reason')}\n${args.reason}`] : []),
        ],
        params: { plan },
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
  execute: async ({ request, params, progress, backends }) =>
    deployerOf(backends, request.service).rollback(
      { service: request.service, env: request.env },
      params.plan,
      { requester: request.requester, requestId: request.id },
      progress,
    ),
});
