import type { LockStore } from '../ports/store.ts';
import type { Clock } from '../ports/clock.ts';
import type { Catalog } from './catalog.ts';
import type { Command } from './command.ts';
import { checkGuards, type GuardVerdict } from './guards.ts';
import { BREAKGLASS, type Permission } from './permission.ts';
import type { Permissions, ResolvedRoles } from './policy.ts';
import { channel, code, join, t, type Text } from './text.ts';

export interface Target {
  service?: string | undefined;
  env?: string | undefined;
}

/** Why the caller may not run `command` on `target` from `channelId`; undefined when they may. */
export function denial(
  deps: { permissions: Permissions; catalog: Catalog },
  command: Command,
  held: ResolvedRoles,
  target: Target,
  channelId: string,
): Text | undefined {
  const { permissions, catalog } = deps;
  if (command.permission !== null) {
    const need: Permission = { verb: command.permission, service: target.service, env: target.env };
    if (!permissions.allows(held.roles, need)) return permissions.denialReason(held.roles, need, held.unverified);
  }
  const env = target.env;
  const channels = env ? catalog.environments[env]?.channels : undefined;
  if (env && command.mutating && channels?.length && !channels.includes(channelId)) {
    return t`changes to ${code(env)} are only accepted in ${join(channels.map(channel), ' or ')}`;
  }
  return undefined;
}

/** Locks and freezes in the way of a guarded command, which `--force` passes for holders of `breakglass`. */
export async function guard(
  deps: { permissions: Permissions; catalog: Catalog; locks: LockStore; clock: Clock },
  args: unknown,
  roles: string[],
  target: Target,
  userId: string,
): Promise<GuardVerdict> {
  if (!target.service || !target.env) return { reasons: [] };
  const force = (args as { force?: unknown }).force === true;
  const canBreakGlass = breaksGlass(deps.permissions, roles, { service: target.service, env: target.env });
  return checkGuards({
    store: deps.locks,
    catalog: deps.catalog,
    now: deps.clock.now(),
    service: target.service,
    env: target.env,
    actor: userId,
    force,
    canBreakGlass,
  });
}

/** Whether these roles let `--force` pass what stands in the way of a change to the target. */
export function breaksGlass(permissions: Permissions, roles: readonly string[], target: Required<Target>): boolean {
  return permissions.allows(roles, { verb: BREAKGLASS, service: target.service, env: target.env });
}
