import type { z } from 'zod';
import type { Replier } from '../ports/chat.ts';
import type { Logger } from '../ports/logger.ts';
import { type Capabilities, type Capability, pick } from './capabilities.ts';
import type { ChangePlan } from './changes/define-change.ts';
import type { Text } from './text.ts';

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
  /** One letter, for `-f` as well as `--follow` where people type it by habit (`tail -f`, `tail -n 50`). */
  short?: string;
}

export interface SubmitOptions {
  dryRun: boolean;
  /** What `--force` passed in the handler's own gates (CI, promotion), flagged with the locks and freezes it passed. */
  forced?: Text | undefined;
  /** The reason given with `--emergency`: the requester asks to approve it alone on the emergency path. */
  emergency?: string | undefined;
}

export interface Actor {
  userId: string;
  roles: string[];
}

export interface CommandContext<A, K extends Capability = never> {
  invocationId: string;
  actor: Actor;
  channelId: string;
  args: A;
  target: { service?: string | undefined; env?: string | undefined };
  /** Exactly what the command declared in `needs`. */
  deps: Pick<Capabilities, K>;
  reply: Replier;
  log: Logger;
  /**
   * Hands a planned change to the approval flow, with the break-glass state the pipeline worked
   * out. Mutating handlers plan; they never change a system themselves.
   */
  submit(plan: ChangePlan, options: SubmitOptions): Promise<void>;
}

/** What every command declares: how it is typed, who may run it, and what it changes. */
interface CommandShape {
  /** The slash command without its slash: `deploy`, `ops`. */
  family: string;
  /** The first word after it, for families with subcommands: `/ops audit`. */
  sub?: string;
  summary: string;
  examples: string[];
  positionals: PositionalSpec[];
  flags: Record<string, FlagSpec>;
  /** The permission verb, checked against `service`/`env` arguments; null when everyone may run it. */
  permission: string | null;
  /** Mutating commands fail closed on audit and obey the environment's channel rules. */
  mutating: boolean;
  /** Locks and freezes apply (passed with `--force` by holders of `breakglass`). */
  guarded?: boolean;
}

/** A command as written: its arguments' schema, the capabilities it needs, and its handler. */
export interface CommandSpec<A, K extends Capability> extends CommandShape {
  /** Validates and converts the parsed words (positionals by name, flags in camelCase). */
  schema: z.ZodType<A>;
  /** The capabilities the handler uses; it is given these and nothing else (none when left out). */
  needs?: readonly K[];
  handler(ctx: CommandContext<A, K>): Promise<void>;
}

/** What the dispatcher hands `run`: everything, of which the command receives only what it declared. */
export interface RunContext extends Omit<CommandContext<unknown, never>, 'deps'> {
  capabilities: Capabilities;
}

/** A command as the registry and the dispatcher see it, whatever its arguments and needs. */
export interface Command extends CommandShape {
  schema: z.ZodType<unknown>;
  needs: readonly Capability[];
  run(ctx: RunContext): Promise<void>;
}

export type DefinedCommand<A, K extends Capability> = Command & Pick<CommandSpec<A, K>, 'handler' | 'schema'>;

export function defineCommand<A, K extends Capability = never>(spec: CommandSpec<A, K>): DefinedCommand<A, K> {
  const restIndex = spec.positionals.findIndex((p) => p.rest);
  if (restIndex >= 0 && restIndex !== spec.positionals.length - 1) {
    throw new Error(`${commandName(spec)}: a rest positional must come last`);
  }
  const firstOptional = spec.positionals.findIndex((p) => p.optional);
  if (firstOptional >= 0 && spec.positionals.slice(firstOptional).some((p) => !p.optional)) {
    throw new Error(`${commandName(spec)}: required positionals cannot follow optional ones`);
  }
  const letters = Object.values(spec.flags).flatMap((f) => (f.short === undefined ? [] : [f.short]));
  if (letters.some((l, at) => !/^[a-zA-Z]$/.test(l) || letters.indexOf(l) !== at)) {
    throw new Error(`${commandName(spec)}: each flag's short form is one letter of its own`);
  }
  const needs = spec.needs ?? [];
  return {
    ...spec,
    needs,
    // The arguments were validated with this command's schema by the dispatcher.
    run: ({ capabilities, args, ...rest }) =>
      spec.handler({ ...rest, args: args as A, deps: pick(capabilities, needs) }),
  };
}

export function commandName(spec: Pick<CommandShape, 'family' | 'sub'>): string {
  return spec.sub ? `/${spec.family} ${spec.sub}` : `/${spec.family}`;
}

export function usageOf(spec: CommandShape): string {
  const parts = [commandName(spec)];
  for (const p of spec.positionals) {
    const name = p.rest ? `${p.name}…` : p.name;
    parts.push(p.optional ? `[${name}]` : `<${name}>`);
  }
  for (const [name, flag] of Object.entries(spec.flags)) {
    const names = flagNames(name, flag).join('|');
    parts.push(flag.type === 'boolean' ? `[${names}]` : `[${names} <${flag.placeholder ?? 'value'}>]`);
  }
  return parts.join(' ');
}

/** How a flag is written: `--follow`, and `-f` first where it has a letter. */
export function flagNames(name: string, flag: FlagSpec): string[] {
  return flag.short ? [`-${flag.short}`, `--${name}`] : [`--${name}`];
}
