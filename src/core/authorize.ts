import type { LockStore } from '../ports/store.ts';
import type { Clock } from '../ports/clock.ts';
import type { Catalog } from './catalog.ts';
import type { Command } from './command.ts';
import { checkGuards, type GuardVerdict } from './guards.ts';
import { BREAKGLASS, grantCovers, type Permission } from './permission.ts';
import type { Permissions, ResolvedRoles } from './policy.ts';
import { channel, code, join, t, type Text } from './text.ts';

export interface Target {
  service?: string | undefined;
  env?: string | undefined;
}

/** The permission a command needs on a target, whether the roles give it, through which grants, or why not. */
export interface PermissionTrace {
  need: Permission;
  allowed: boolean;
  /** Each held role's grant that covers the need. */
  grants: { role: string; grant: string }[];
  reason?: Text | undefined;
}

export function permissionTrace(permissions: Permissions, held: ResolvedRoles, need: Permission): PermissionTrace {
  const grants = held.roles.flatMap((role) =>
    permissions
      .grantsOf(role)
      .filter((grant) => grantCovers(grant, need))
      .map((grant) => ({ role, grant })),
  );
  if (permissions.allows(held.roles, need)) return { need, allowed: true, grants };
  return { need, allowed: false, grants, reason: permissions.denialReason(held.roles, need, held.unverified) };
}

/** The channels a command may change `env` from; undefined when any channel will do. */
export function channelRule(
  catalog: Catalog,
  command: Command,
  env: string | undefined,
): readonly string[] | undefined {
  const channels = env ? catalog.environments[env]?.channels : undefined;
  return command.mutating && channels?.length ? channels : undefined;
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
    const trace = permissionTrace(permissions, held, need);
    if (!trace.allowed) return trace.reason;
  }
  const channels = channelRule(catalog, command, target.env);
  if (channels && !channels.includes(channelId)) {
    return t`changes to ${code(target.env ?? '')} are only accepted in ${join(channels.map(channel), ' or ')}`;
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
