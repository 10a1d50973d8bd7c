import type { Catalog } from './catalog.ts';
import { type Command, usageOf } from './command.ts';
import { didYouMean, unknownNameMessage } from './did-you-mean.ts';
import { UserError } from './errors.ts';
import type { Token } from './tokenize.ts';

export function camelCase(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Words → `{positional…, flagInCamelCase…}` following the spec; no types or values checked yet. */
export function bindTokens(spec: Command, tokens: readonly Token[]): Record<string, unknown> {
  const usage = usageOf(spec);
  const out: Record<string, unknown> = {};
  const words: string[] = [];
  let flagsEnded = false;
  for (let i = 0; i < tokens.length; i++) {
    const token = flagsEnded ? tokens[i]! : longForm(spec, tokens[i]!);
    if (flagsEnded || token.quoted || !token.text.startsWith('--')) {
      words.push(token.text);
      continue;
    }
    if (token.text === '--') {
      flagsEnded = true;
      continue;
    }
    const eq = token.text.indexOf('=');
    const name = (eq >= 0 ? token.text.slice(2, eq) : token.text.slice(2)).toLowerCase();
    const flag = spec.flags[name];
    if (!flag) {
      const guess = didYouMean(name, Object.keys(spec.flags));
      throw new UserError(`Unknown option \`--${name}\`.${guess ? ` Did you mean \`--${guess}\`?` : ''}`, usage);
    }
    const key = camelCase(name);
    if (key in out) throw new UserError(`\`--${name}\` is given twice.`, usage);
    if (flag.type === 'boolean') {
      if (eq >= 0) throw new UserError(`\`--${name}\` takes no value.`, usage);
      out[key] = true;
      continue;
    }
    // An unquoted `--word` after a string flag is the next flag, not its value (`--since --follow`).
    const following = tokens[i + 1];
    const next = eq >= 0 || !following ? undefined : longForm(spec, following);
    if (next && !next.quoted && next.text.startsWith('--')) throw new UserError(`\`--${name}\` needs a value.`, usage);
    const value = eq >= 0 ? token.text.slice(eq + 1) : tokens[++i]?.text;
    if (value === undefined || value === '') throw new UserError(`\`--${name}\` needs a value.`, usage);
    out[key] = value;
  }
  bindPositionals(spec, words, out, usage);
  return out;
}

/** `-f` as `--follow` where a flag has that letter; any other word as it is (`-5`, `-` are words). */
function longForm(spec: Command, token: Token): Token {
  if (token.quoted || !/^-[a-zA-Z]$/.test(token.text)) return token;
  const name = Object.keys(spec.flags).find((f) => spec.flags[f]!.short === token.text[1]);
  return name ? { ...token, text: `--${name}` } : token;
}

function bindPositionals(spec: Command, words: string[], out: Record<string, unknown>, usage: string): void {
  const positionals = spec.positionals;
  for (let i = 0; i < positionals.length; i++) {
    const p = positionals[i]!;
    if (p.rest) {
      const rest = words.slice(i);
      if (rest.length) out[p.name] = rest.join(' ');
      else if (!p.optional) throw new UserError(`Missing <${p.name}>: ${p.help}.`, usage);
      return;
    }
    const word = words[i];
    if (word === undefined) {
      if (!p.optional) throw new UserError(`Missing <${p.name}>: ${p.help}.`, usage);
      continue;
    }
    out[p.name] = word;
  }
  const extra = words.slice(positionals.length);
  if (extra.length) {
    const shown = extra.map((w) => `\`${w.length > 40 ? `${w.slice(0, 40)}…` : w}\``).join(' ');
    throw new UserError(`Unexpected ${extra.length === 1 ? 'argument' : 'arguments'} ${shown}.`, usage);
  }
}

/**
 * Names given for service and env positionals must exist in the config, and the service must
 * run in that environment. Done before validation so a typo gets "did you mean", not a schema error.
 */
export function checkTargets(
  spec: Command,
  raw: Record<string, unknown>,
  catalog: Catalog,
): { service?: string; env?: string } {
  const usage = usageOf(spec);
  const target: { service?: string; env?: string } = {};
  for (const p of spec.positionals) {
    const value = raw[p.name];
    if (typeof value !== 'string' || !p.kind) continue;
    const known = Object.keys(p.kind === 'service' ? catalog.services : catalog.environments);
    const match = known.find((k) => k.toLowerCase() === value.toLowerCase());
    if (!match)
      throw new UserError(unknownNameMessage(p.kind === 'service' ? 'service' : 'environment', value, known), usage);
    raw[p.name] = match;
    target[p.kind] = match;
  }
  const envs = target.service ? catalog.services[target.service]?.environments : undefined;
  if (target.env && envs && !envs.includes(target.env)) {
    throw new UserError(
      `\`${target.service}\` does not run in \`${target.env}\`; it runs in ${envs.map((e) => `\`${e}\``).join(', ')}.`,
      usage,
    );
  }
  return target;
}

/** Validates with the command's zod schema; the first problem becomes a readable message. */
export function validateArgs(spec: Command, raw: Record<string, unknown>): unknown {
  const result = spec.schema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.length ? String(issue.path[0]) : undefined;
  const label = field ? labelFor(spec, field) : 'arguments';
  throw new UserError(`Invalid ${label}: ${issue.message}`, usageOf(spec));
}

function labelFor(spec: Command, field: string): string {
  if (spec.positionals.some((p) => p.name === field)) return `<${field}>`;
  const flag = Object.keys(spec.flags).find((f) => camelCase(f) === field);
  return flag ? `--${flag}` : field;
}
