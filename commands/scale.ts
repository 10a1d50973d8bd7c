import { z } from 'zod';
import { defineChange } from '../src/core/changes/define-change.ts';
import { defineCommand } from '../src/core/command.ts';
import { UserError } from '../src/core/errors.ts';
import { bold, code, concat, mention, t } from '../src/core/text.ts';
import { CHANGE_FLAGS, CHANGE_OPTIONS, ENV, scalerOf, SERVICE } from './target.ts';

const replicaCount = (n: number) => `${n} replica${n === 1 ? '' : 's'}`;

export const scale = defineCommand({
  family: 'scale',
  summary: 'Set the number of replicas of a service, within its configured bounds',
  examples: ['/scale api prod 12', '/scale web staging 3 --dry-run'],
  positionals: [SERVICE, ENV, { name: 'replicas', help: 'the number of replicas wanted' }],
  flags: {
    ...CHANGE_FLAGS,
  },
  schema: z.object({
    service: z.string(),
    env: z.string(),
    replicas: z.coerce
      .number({ error: 'expected a whole number of replicas' })
      .int('expected a whole number of replicas')
      .min(0, 'expected 0 or more replicas'),
    ...CHANGE_OPTIONS,
  }),
  permission: 'scale',
  mutating: true,
  guarded: true,
  needs: ['catalog', 'backends'],
  async handler({ args, actor, deps: { catalog, backends }, submit }) {
    const bounds = catalog.services[args.service]?.scale;
    if (!bounds)
      throw new UserError(
        t`${code(args.service)} has no replica bounds: set ${code(
          `services.${args.service}.scale: { min, max }`,
        )} in opsdeck.yaml.`,
      );
    if (args.replicas < bounds.min || args.replicas > bounds.max) {
      throw new UserError(
        concat(
          t`${code(args.service)} may run between ${bounds.min} and ${bounds.max} replicas; `,
          `${args.replicas} is outside those bounds. Nothing was changed.`,
        ),
      );
    }
    const status = await scalerOf(backends, args.service).status({ service: args.service, env: args.env });
    if (status.replicas === args.replicas)
      throw new UserError(
        t`${code(args.service)} in ${code(args.env)} already runs ${args.replicas} replicas (${status.ready} ready).`,
      );
    const hpa = status.autoscaler;
    const warnings = hpa
      ? [
          concat(
            t`HorizontalPodAutoscaler ${code(hpa.name)} manages this deployment (${hpa.min}–${hpa.max} replicas) `,
            'and may undo a manual scale.',
          ),
        ]
      : [];
    await submit(
      scaleChange.plan({
        service: args.service,
        env: args.env,
        title: `Scale ${args.service} in ${args.env}`,
        headline: concat(
          t`${mention(actor.userId)} wants to scale ${bold(args.service)} in ${bold(args.env)} `,
          t`from ${status.replicas} to ${bold(String(args.replicas))} replicas.`,
        ),
        fields: [
          t`${bold('Replicas')}\n${status.replicas} → ${args.replicas}`,
          t`${bold('Ready now')}\n${status.ready}`,
          t`${bold('Bounds')}\n${bounds.min}–${bounds.max}`,
          ...(args.reason ? [t`${bold('Reason')}\n${args.reason}`] : []),
        ],
        params: { replicas: args.replicas },
        warnings,
        basis: replicaCount(status.replicas),
      }),
      { dryRun: args.dryRun, emergency: args.emergency },
    );
  },
});

export const scaleChange = defineChange({
  kind: 'scale',
  concern: 'replicas',
  params: z.object({ replicas: z.number().int().min(0) }),
  readBasis: async ({ request, backends }) =>
    replicaCount(
      (await scalerOf(backends, request.service).status({ service: request.service, env: request.env })).replicas,
    ),
  execute: async ({ request, params, progress, backends }) =>
    scalerOf(backends, request.service).scale(
      { service: request.service, env: request.env },
      params.replicas,
      progress,
    ),
});
