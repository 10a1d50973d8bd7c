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

export const DRY_RUN = { type: 'boolean', help: 'show what would happen; change nothing' } as const;
export const FORCE = {
  type: 'boolean',
  help: 'pass a lock or change freeze in an emergency (needs `breakglass`; flagged and announced)',
} as const;

export const EMERGENCY = {
  type: 'string',
  placeholder: 'reason',
  help: "approve it yourself when no approver answers (needs the environment's emergency role; reviewed after)",
} as const;

/** The `--emergency` reason as the schema takes it. */
export const EMERGENCY_REASON = z.string().max(500).optional();

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
