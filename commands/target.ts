import { z } from 'zod';
import type { PositionalSpec } from '../src/core/command.ts';
import { UserError } from '../src/core/errors.ts';
import type { Backends, Deployer, Scaler } from '../src/ports/backends.ts';

/** The `<service> <env>` pair most commands start with. */
export const SERVICE: PositionalSpec = {
  name: 'service',
  kind: 'service',
  help: 'a service from opsdeck.yaml, e.g. `api`',
};
export const ENV: PositionalSpec = { name: 'env', kind: 'env', help: 'an environment from opsdeck.yaml, e.g. `prod`' };

/**
 * The flags of every command that changes something (`/deploy`, `/rollback`, `/scale`): why, a dry run,
 * passing a lock or freeze, and approving it oneself; `CHANGE_OPTIONS` are the same as the schema takes them.
 */
export const CHANGE_FLAGS = {
  reason: { type: 'string', placeholder: 'text', help: 'why, shown to approvers and kept in the audit log' },
  'dry-run': { type: 'boolean', help: 'show what would happen; change nothing' },
  force: {
    type: 'boolean',
    help: 'pass a lock or change freeze in an emergency (needs `breakglass`; flagged and announced)',
  },
  emergency: {
    type: 'string',
    placeholder: 'reason',
    help: "approve it yourself when no approver answers (needs the environment's emergency role; reviewed after)",
  },
} as const;

export const CHANGE_OPTIONS = {
  reason: z.string().max(500).optional(),
  dryRun: z.boolean().default(false),
  force: z.boolean().default(false),
  emergency: z.string().max(500).optional(),
};

export function deployerOf(backends: Backends, service: string): Deployer {
  const deployer = backends.deployer(service);
  if (!deployer)
    throw new UserError(`\`${service}\` has no deploy driver: set \`services.${service}.deploy\` in opsdeck.yaml.`);
  return deployer;
}

export function scalerOf(backends: Backends, service: string): Scaler {
  const scaler = backends.scaler(service);
  if (!scaler)
    throw new UserError(
      `\`${service}\` cannot be scaled: ` +
        `set \`services.${service}.kubernetes\` and \`services.${service}.scale\` in opsdeck.yaml.`,
    );
  return scaler;
}
