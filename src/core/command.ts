import type { z } from 'zod';
import type { Replier } from '../ports/chat.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { Store } from '../ports/store.ts';
import type { Backends } from '../ports/backends.ts';
import type { Directory } from '../ports/directory.ts';
import type { Catalog } from './catalog.ts';
import type { ChangePlan } from './change.ts';
import type { ChangeFlow } from './change-flow.ts';
import type { Policy } from './policy.ts';
import type { Registry } from './registry.ts';
import type { LogCenter } from './logs/log-center.ts';
import type { RunbookLibrary } from './runbooks/library.ts';

export interface PositionalSpec {
  name: string;
  /** service and env values are checked against the config, with "did you mean". */
  kind?: 'service' | 'env';
  optional?: boolean;
  /** Takes every remaining word (e.g. a lock reason). Must be last. */
  rest?: boolean;
  help: string;
}

export interface FlagSpec {
  type: 'string' | 'boolean';
  help: string;
  /** Shown in usage: `--since <duration>`. */
  placeholder?: string;
}

/** Everything a handler may use. Handlers build no clients and import no adapters. */
export interface Services {
  catalog: Catalog;
  store: Store;
  clock: Clock;
  policy: Policy;
  registry: Registry;
  directory: Directory;
  backends: Backends;
  changes: ChangeFlow;
  runbooks: RunbookLibrary;
  logs: LogCenter;
}

export interface Actor {
  userId: string;
  roles: string[];
}

export interface CommandContext<A> {
  invocationId: string;
  actor: Actor;
  channelId: string;
  args: A;
  target: { service?: string | undefined; env?: string | undefined };
  services: Services;
  reply: Replier;
  log: Logger;
  /**
   * Hands a planned change to the approval flow, with the break-glass state the pipeline worked
   * out. Mutating handlers plan; they never change a system themselves.
   */
  submit(plan: ChangePlan, options: { dryRun: boolean }): Promise<void>;
}

export interface CommandSpec<A = any> {
  /** The slash command without its slash: `deploy`, `ops`. */
  family: string;
  /** The first word after it, for families with subcommands: `/ops audit`. */
  sub?: string;
  summary: string;
  examples: string[];
  positionals: PositionalSpec[];
  flags: Record<string, FlagSpec>;
  /** Validates and converts the parsed words (positionals by name, flags in camelCase). */
  schema: z.ZodType<A>;
  /** The permission verb, checked against `service`/`env` arguments; null when everyone may run it. */
  permission: string | null;
  /** Mutating commands fail closed on audit and obey the environment's channel rules. */
  mutating: boolean;
  /** Locks and freezes apply (passed with `--force` by holders of `breakglass`). */
  guarded?: boolean;
  handler(ctx: CommandContext<A>): Promise<void>;
}

export function defineCommand<A>(spec: CommandSpec<A>): CommandSpec<A> {
  const restIndex = spec.positionals.findIndex((p) => p.rest);
  if (restIndex >= 0 && restIndex !== spec.positionals.length - 1) {
    throw new Error(`${commandName(spec)}: a rest positional must come last`);
  }
  const firstOptional = spec.positionals.findIndex((p) => p.optional);
  if (firstOptional >= 0 && spec.positionals.slice(firstOptional).some((p) => !p.optional)) {
    throw new Error(`${commandName(spec)}: required positionals cannot follow optional ones`);
  }
  return spec;
}

export function commandName(spec: Pick<CommandSpec, 'family' | 'sub'>): string {
  return spec.sub ? `/${spec.family} ${spec.sub}` : `/${spec.family}`;
}

export function usageOf(spec: CommandSpec): string {
  const parts = [commandName(spec)];
  for (const p of spec.positionals) {
    const name = p.rest ? `${p.name}…` : p.name;
    parts.push(p.optional ? `[${name}]` : `<${name}>`);
  }
  for (const [name, flag] of Object.entries(spec.flags)) {
    parts.push(flag.type === 'boolean' ? `[--${name}]` : `[--${name} <${flag.placeholder ?? 'value'}>]`);
  }
  return parts.join(' ');
}
