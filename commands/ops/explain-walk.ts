import { approversBesides, approversToNotify } from '../../src/core/approvers.ts';
import { breaksGlass, channelRule, type PermissionTrace, permissionTrace } from '../../src/core/authorize.ts';
import type { Capabilities } from '../../src/core/capabilities.ts';
import type { Command } from '../../src/core/command.ts';
import { didYouMean } from '../../src/core/did-you-mean.ts';
import { UserError } from '../../src/core/errors.ts';
import { checkDeployGates, type GateReport } from '../../src/core/gates/deploy-gates.ts';
import { checkGuards } from '../../src/core/guards.ts';
import { BREAKGLASS } from '../../src/core/permission.ts';
import { type RoleTrace, rolesFrom } from '../../src/core/policy.ts';
import type { Inline, Text } from '../../src/core/text.ts';

export type WalkDeps = Pick<
  Capabilities,
  'permissions' | 'catalog' | 'commands' | 'directory' | 'locks' | 'clock' | 'backends' | 'commitChecks' | 'requests'
>;

/** Every step of the decision on `verb` for `user`, made by the code that makes it when they run the command. */
export interface Walk {
  user: string;
  verb: string;
  service: string;
  env: string;
  roles: RoleTrace[];
  permission: PermissionTrace;
  /** The command the verb belongs to (the mutating one when several share it). */
  command: Command | undefined;
  /** Channels the command is accepted in for this environment; undefined: any. */
  channels: readonly string[] | undefined;
  approval?: {
    required: number;
    from: readonly string[];
    approvers: Inline[];
    others: number | undefined;
    /** The emergency path, and whether the person asked about holds its role. */
    emergency?: { role: string; after: string | number; review: string; held: boolean } | undefined;
  };
  /** Locks and freezes in force for the target (for guarded commands). */
  guards: Text[];
  canBreakGlass: boolean;
  /** CI and promotion (deploys). */
  gates?: { ref: string; report: GateReport } | undefined;
}

function commandFor(deps: WalkDeps, verb: string): Command | undefined {
  const all = deps.commands.all().filter((c) => c.permission === verb);
  if (!all.length && verb !== BREAKGLASS) {
    const verbs = [...new Set([...deps.commands.all().flatMap((c) => c.permission ?? []), BREAKGLASS])];
    const guess = didYouMean(verb, verbs);
    const hint = guess ? ` Did you mean \`${guess}\`?` : ` Verbs: ${verbs.map((v) => `\`${v}\``).join(', ')}.`;
    throw new UserError(`\`${verb}\` is not a permission verb.${hint}`);
  }
  return all.find((c) => c.mutating) ?? all[0];
}

export async function walkDecision(
  deps: WalkDeps,
  ask: { user: string; verb: string; service: string; env: string; ref?: string | undefined },
): Promise<Walk> {
  const { user, verb, service, env } = ask;
  const command = commandFor(deps, verb);
  const roles = await deps.permissions.traceRoles(user);
  const held = rolesFrom(roles);
  const permission = permissionTrace(deps.permissions, held, { verb, service, env });
  const canBreakGlass = breaksGlass(deps.permissions, held.roles, { service, env });
  const walk: Walk = {
    ...ask,
    roles,
    permission,
    command,
    channels: command ? channelRule(deps.catalog, command, env) : undefined,
    guards: [],
    canBreakGlass,
  };
  const policy = deps.catalog.environments[env]?.approval;
  if (policy && command?.mutating) {
    const sources = { catalog: deps.catalog, permissions: deps.permissions, directory: deps.directory };
    walk.approval = {
      required: policy.required,
      from: policy.from,
      approvers: await approversToNotify(sources, env),
      others: await approversBesides(sources, env, user).catch(() => undefined),
      emergency: policy.emergency && {
        ...policy.emergency,
        held: roles.some((r) => r.held && r.role === policy.emergency?.role),
      },
    };
  }
  if (command?.guarded) {
    const now = deps.clock.now();
    const verdict = await checkGuards({
      store: deps.locks,
      catalog: deps.catalog,
      now,
      service,
      env,
      actor: user,
      force: false,
      canBreakGlass,
    });
    walk.guards = verdict.reasons;
  }
  if (verb === 'deploy') {
    const repo = deps.catalog.services[service]?.github?.repo;
    const ref = ask.ref ?? deps.catalog.services[service]?.github?.defaultRef ?? 'main';
    const source = deps.backends.sourceControl;
    const resolved = repo && source ? await source.resolveRef(repo, ref) : undefined;
    const report = await checkDeployGates(deps, {
      service,
      env,
      repo,
      ref,
      sha: resolved?.sha,
      force: false,
      canBreakGlass,
    });
    walk.gates = { ref, report };
  }
  return walk;
}
