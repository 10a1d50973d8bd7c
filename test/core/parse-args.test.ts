import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Catalog } from '../../src/core/catalog.ts';
import { defineCommand, usageOf, type Command, type FlagSpec, type PositionalSpec } from '../../src/core/command.ts';
import { UserError } from '../../src/core/errors.ts';
import { bindTokens, camelCase, checkTargets, validateArgs } from '../../src/core/parse-args.ts';
import { tokenize } from '../../src/core/tokenize.ts';

function spec(
  family: string,
  positionals: PositionalSpec[],
  flags: Record<string, FlagSpec>,
  schema: z.ZodType = z.record(z.string(), z.unknown()),
  sub?: string,
): Command {
  return defineCommand({
    family,
    ...(sub ? { sub } : {}),
    summary: 'test command',
    examples: [],
    positionals,
    flags,
    schema,
    permission: null,
    mutating: false,
    handler: async () => {},
  });
}

/** Like /logs: service env [--since <duration>] [-f|--follow] [--grep <pattern>] [-n|--lines <N>] */
const logs = spec(
  'logs',
  [
    { name: 'service', kind: 'service', help: 'the service' },
    { name: 'env', kind: 'env', help: 'the environment' },
  ],
  {
    since: { type: 'string', help: 'how far back', placeholder: 'duration' },
    follow: { type: 'boolean', short: 'f', help: 'keep tailing' },
    grep: { type: 'string', help: 'filter', placeholder: 'pattern' },
    lines: { type: 'string', short: 'n', help: 'how many', placeholder: 'N' },
    'dry-run': { type: 'boolean', help: 'only say what would happen' },
  },
  z.object({
    service: z.string(),
    env: z.string(),
    since: z
      .string()
      .regex(/^\d+[smhd]$/, 'expected a duration like 15m')
      .optional(),
    follow: z.boolean().optional(),
    grep: z.string().optional(),
    lines: z.string().optional(),
    dryRun: z.boolean().optional(),
  }),
);

/** Like /scale: service env <replicas> */
const scale = spec(
  'scale',
  [
    { name: 'service', kind: 'service', help: 'the service' },
    { name: 'env', kind: 'env', help: 'the environment' },
    { name: 'replicas', help: 'how many pods' },
  ],
  {},
  z.object({ service: z.string(), env: z.string(), replicas: z.coerce.number().int().min(0) }),
);

/** Like /deploy: service env [ref] */
const deploy = spec(
  'deploy',
  [
    { name: 'service', kind: 'service', help: 'the service' },
    { name: 'env', kind: 'env', help: 'the environment' },
    { name: 'ref', optional: true, help: 'branch, tag or sha' },
  ],
  { force: { type: 'boolean', help: 'break glass' } },
);

/** Like /ops lock: service env [reason…] */
const lock = spec(
  'ops',
  [
    { name: 'service', kind: 'service', help: 'the service' },
    { name: 'env', kind: 'env', help: 'the environment' },
    { name: 'reason', optional: true, rest: true, help: 'why' },
  ],
  { for: { type: 'string', help: 'how long', placeholder: 'duration' } },
  undefined,
  'lock',
);

/** A required rest positional: /runbook <query…> */
const runbook = spec('runbook', [{ name: 'query', rest: true, help: 'what to search for' }], {});

const catalog: Catalog = {
  environments: { staging: {}, prod: {} },
  services: { api: {}, web: {}, worker: { environments: ['staging'] }, 'Billing-API': {} },
};

const bind = (s: Command, text: string) => bindTokens(s, tokenize(text));

function userError(fn: () => unknown): UserError {
  try {
    fn();
  } catch (err) {
    if (err instanceof UserError) return err;
    throw err;
  }
  throw new Error('expected a UserError');
}

describe('bindTokens: binding words', () => {
  it.each<[string, Command, string, Record<string, unknown>]>([
    ['required positionals', logs, 'api prod', { service: 'api', env: 'prod' }],
    ['string flag with a separate value', logs, 'api prod --since 15m', { service: 'api', env: 'prod', since: '15m' }],
    ['string flag with =', logs, 'api prod --since=15m', { service: 'api', env: 'prod', since: '15m' }],
    ['flags before positionals', logs, '--since 1h api prod', { service: 'api', env: 'prod', since: '1h' }],
    ['flags between positionals', logs, 'api --follow prod', { service: 'api', env: 'prod', follow: true }],
    ['boolean flag', logs, 'api prod --follow', { service: 'api', env: 'prod', follow: true }],
    ['boolean flag by its letter', logs, 'api prod -f', { service: 'api', env: 'prod', follow: true }],
    ['string flag by its letter', logs, 'api -n 50 prod', { service: 'api', env: 'prod', lines: '50' }],
    ['letters together', logs, 'api prod -f -n 5', { service: 'api', env: 'prod', follow: true, lines: '5' }],
    ['a letter after -- is a word', runbook, '-- -f', { query: '-f' }],
    [
      'flag names are case-insensitive',
      logs,
      'api prod --FOLLOW --Since 5m',
      { service: 'api', env: 'prod', follow: true, since: '5m' },
    ],
    ['kebab-case flag becomes camelCase', logs, 'api prod --dry-run', { service: 'api', env: 'prod', dryRun: true }],
    [
      'quoted flag value keeps spaces',
      logs,
      'api prod --grep "status=500 GET"',
      { service: 'api', env: 'prod', grep: 'status=500 GET' },
    ],
    ['--flag="quoted value"', logs, 'api prod --grep="a b"', { service: 'api', env: 'prod', grep: 'a b' }],
    [
      'em dash flag from smart punctuation',
      logs,
      'api prod \u2014since 15m',
      { service: 'api', env: 'prod', since: '15m' },
    ],
    [
      'a quoted "--x" is a value for a string flag',
      logs,
      'api prod --grep "--verbose"',
      { service: 'api', env: 'prod', grep: '--verbose' },
    ],
    [
      'a value after = may start with --',
      logs,
      'api prod --grep=--verbose',
      { service: 'api', env: 'prod', grep: '--verbose' },
    ],
    ['optional positional given', deploy, 'api prod v1.4.2', { service: 'api', env: 'prod', ref: 'v1.4.2' }],
    ['optional positional omitted', deploy, 'api prod', { service: 'api', env: 'prod' }],
    ['-- ends flags', deploy, 'api prod -- --force', { service: 'api', env: 'prod', ref: '--force' }],
    ['flags still work before --', deploy, '--force api -- prod', { service: 'api', env: 'prod', force: true }],
    [
      'a quoted "--force" is a positional',
      deploy,
      'api prod "--force"',
      { service: 'api', env: 'prod', ref: '--force' },
    ],
    ['a single dash word is a positional', deploy, 'api prod -f', { service: 'api', env: 'prod', ref: '-f' }],
    [
      'rest positional joins the remaining words',
      lock,
      'api prod db migration running',
      { service: 'api', env: 'prod', reason: 'db migration running' },
    ],
    [
      'rest positional with a quoted word',
      lock,
      'api prod "db migration" now',
      { service: 'api', env: 'prod', reason: 'db migration now' },
    ],
    [
      'flags are pulled out of a rest positional',
      lock,
      'api prod db --for 2h migration',
      { service: 'api', env: 'prod', reason: 'db migration', for: '2h' },
    ],
    ['optional rest positional omitted', lock, 'api prod', { service: 'api', env: 'prod' }],
    ['required rest positional', runbook, '5xx errors', { query: '5xx errors' }],
  ])('%s', (_name, s, text, expected) => {
    expect(bind(s, text)).toEqual(expected);
  });
});

describe('bindTokens: refused input', () => {
  it.each<[string, Command, string, string]>([
    ['unknown flag with a close match', logs, 'api prod --folow', 'Unknown option `--folow`. Did you mean `--follow`?'],
    ['unknown flag by prefix', logs, 'api prod --sin 5m', 'Unknown option `--sin`. Did you mean `--since`?'],
    ['unknown flag with nothing close', logs, 'api prod --zzzzzz', 'Unknown option `--zzzzzz`.'],
    ['unknown flag on a command with no flags', scale, 'api prod 3 --force', 'Unknown option `--force`.'],
    ['duplicated string flag', logs, 'api prod --since 5m --since 10m', '`--since` is given twice.'],
    ['duplicated boolean flag', logs, 'api prod --follow --follow', '`--follow` is given twice.'],
    ['duplicated flag in different case', logs, 'api prod --follow --Follow', '`--follow` is given twice.'],
    ['boolean flag given a value', logs, 'api prod --follow=yes', '`--follow` takes no value.'],
    ['a flag by its letter and by its name', logs, 'api prod -f --follow', '`--follow` is given twice.'],
    ['string flag by its letter followed by another flag', logs, 'api prod -n -f', '`--lines` needs a value.'],
    ['a letter no flag has is a word', logs, 'api prod -x', 'Unexpected argument `-x`.'],
    ['a quoted letter is a word', logs, 'api prod "-f"', 'Unexpected argument `-f`.'],
    ['string flag at the end', logs, 'api prod --since', '`--since` needs a value.'],
    ['string flag with an empty = value', logs, 'api prod --since=', '`--since` needs a value.'],
    ['string flag with an empty quoted value', logs, 'api prod --since ""', '`--since` needs a value.'],
    ['string flag followed by another flag', logs, 'api prod --since --follow', '`--since` needs a value.'],
    ['missing first positional', logs, '', 'Missing <service>: the service.'],
    ['missing second positional', logs, 'api', 'Missing <env>: the environment.'],
    ['missing last positional', scale, 'api prod', 'Missing <replicas>: how many pods.'],
    ['missing required rest positional', runbook, '', 'Missing <query>: what to search for.'],
    ['one extra positional', logs, 'api prod now', 'Unexpected argument `now`.'],
    ['several extra positionals', deploy, 'api prod v1 v2 v3', 'Unexpected arguments `v2` `v3`.'],
    [
      'a long extra positional is shortened',
      logs,
      `api prod ${'x'.repeat(50)}`,
      `Unexpected argument \`${'x'.repeat(40)}…\`.`,
    ],
  ])('%s', (_name, s, text, message) => {
    const err = userError(() => bind(s, text));
    expect(err.message).toBe(message);
    expect(err.usage).toBe(usageOf(s));
  });

  it('includes the usage line in every binding error', () => {
    expect(userError(() => bind(logs, 'api')).usage).toBe(
      '/logs <service> <env> [--since <duration>] [-f|--follow] [--grep <pattern>] [-n|--lines <N>] [--dry-run]',
    );
  });
});

describe('checkTargets', () => {
  it.each<[string, Command, Record<string, unknown>, { service?: string; env?: string }]>([
    ['exact names', logs, { service: 'api', env: 'prod' }, { service: 'api', env: 'prod' }],
    [
      'case-insensitive names normalised to the configured name',
      logs,
      { service: 'API', env: 'Prod' },
      { service: 'api', env: 'prod' },
    ],
    [
      'mixed-case configured name',
      logs,
      { service: 'billing-api', env: 'staging' },
      { service: 'Billing-API', env: 'staging' },
    ],
    [
      'a service restricted to some environments, used in one of them',
      logs,
      { service: 'worker', env: 'staging' },
      { service: 'worker', env: 'staging' },
    ],
    ['no kind, no target', runbook, { query: 'prod api' }, {}],
  ])('%s', (_name, s, raw, expected) => {
    const args = { ...raw };
    expect(checkTargets(s, args, catalog)).toEqual(expected);
    // The raw arguments are rewritten to the configured spelling too.
    for (const [k, v] of Object.entries(expected)) expect(args[k]).toBe(v);
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'service typo',
      { service: 'apu', env: 'prod' },
      'Unknown service `apu`. Did you mean `api`? Known services: api, web, worker, Billing-API.',
    ],
    ['service transposition', { service: 'wrokre', env: 'prod' }, 'Unknown service `wrokre`. Did you mean `worker`?'],
    [
      'service with nothing close',
      { service: 'database', env: 'prod' },
      'Unknown service `database`. Known services: api, web, worker, Billing-API.',
    ],
    [
      'environment typo',
      { service: 'api', env: 'prdo' },
      'Unknown environment `prdo`. Did you mean `prod`? Known environments: staging, prod.',
    ],
    ['environment prefix', { service: 'api', env: 'stag' }, 'Unknown environment `stag`. Did you mean `staging`?'],
    [
      'service not in that environment',
      { service: 'worker', env: 'prod' },
      '`worker` does not run in `prod`; it runs in `staging`.',
    ],
    [
      'service not in that environment, any case',
      { service: 'WORKER', env: 'PROD' },
      '`worker` does not run in `prod`; it runs in `staging`.',
    ],
  ])('%s', (_name, raw, message) => {
    const err = userError(() => checkTargets(logs, { ...raw }, catalog));
    expect(err.message).toContain(message);
    expect(err.usage).toBe(usageOf(logs));
  });
});

describe('validateArgs', () => {
  it('returns the converted arguments', () => {
    expect(validateArgs(scale, { service: 'api', env: 'prod', replicas: '12' })).toEqual({
      service: 'api',
      env: 'prod',
      replicas: 12,
    });
  });

  it.each<[string, Command, Record<string, unknown>, RegExp]>([
    [
      'a positional is named in angle brackets',
      scale,
      { service: 'api', env: 'prod', replicas: 'many' },
      /^Invalid <replicas>: /,
    ],
    ['a negative positional', scale, { service: 'api', env: 'prod', replicas: '-1' }, /^Invalid <replicas>: .*>=0/],
    ['a missing positional', scale, { service: 'api', env: 'prod' }, /^Invalid <replicas>: /],
    [
      'a flag is named with dashes',
      logs,
      { service: 'api', env: 'prod', since: 'yesterday' },
      /^Invalid --since: expected a duration like 15m$/,
    ],
    [
      'a kebab-case flag keeps its dashes',
      logs,
      { service: 'api', env: 'prod', dryRun: 'yes' },
      /^Invalid --dry-run: /,
    ],
  ])('%s', (_name, s, raw, message) => {
    const err = userError(() => validateArgs(s, raw));
    expect(err.message).toMatch(message);
    expect(err.usage).toBe(usageOf(s));
  });

  it('runs after binding and target checks on real input', () => {
    const raw = bind(scale, 'API prod 4');
    checkTargets(scale, raw, catalog);
    expect(validateArgs(scale, raw)).toEqual({ service: 'api', env: 'prod', replicas: 4 });
  });
});

describe('usageOf and defineCommand', () => {
  it.each<[string, Command, string]>([
    [
      'required, string and boolean flags, with their letters',
      logs,
      '/logs <service> <env> [--since <duration>] [-f|--follow] [--grep <pattern>] [-n|--lines <N>] [--dry-run]',
    ],
    ['optional positional', deploy, '/deploy <service> <env> [ref] [--force]'],
    [
      'subcommand, optional rest positional, default placeholder',
      lock,
      '/ops lock <service> <env> [reason…] [--for <duration>]',
    ],
    ['required rest positional', runbook, '/runbook <query…>'],
    [
      'string flag without a placeholder',
      spec('x', [], { note: { type: 'string', help: 'n' } }),
      '/x [--note <value>]',
    ],
  ])('%s', (_name, s, usage) => {
    expect(usageOf(s)).toBe(usage);
  });

  it.each<[string, PositionalSpec[], RegExp]>([
    [
      'a rest positional that is not last',
      [
        { name: 'reason', rest: true, help: 'r' },
        { name: 'env', help: 'e' },
      ],
      /\/bad: a rest positional must come last/,
    ],
    [
      'a required positional after an optional one',
      [
        { name: 'ref', optional: true, help: 'r' },
        { name: 'env', help: 'e' },
      ],
      /\/bad: required positionals cannot follow optional ones/,
    ],
  ])('refuses %s', (_name, positionals, message) => {
    expect(() => spec('bad', positionals, {})).toThrow(message);
  });

  it.each<[string, Command['flags']]>([
    [
      'two flags with one letter',
      { follow: { type: 'boolean', short: 'f', help: 'f' }, force: { type: 'boolean', short: 'f', help: 'f' } },
    ],
    ['a short form of more than one letter', { follow: { type: 'boolean', short: 'fo', help: 'f' } }],
    ['a short form that is not a letter', { lines: { type: 'string', short: '5', help: 'n' } }],
  ])('refuses %s', (_name, flags) => {
    expect(() => spec('bad', [], flags)).toThrow(/\/bad: each flag's short form is one letter of its own/);
  });

  it('accepts optional positionals followed by an optional rest', () => {
    const s = spec(
      'ok',
      [
        { name: 'a', optional: true, help: 'a' },
        { name: 'b', optional: true, rest: true, help: 'b' },
      ],
      {},
    );
    expect(bind(s, 'one two three')).toEqual({ a: 'one', b: 'two three' });
  });

  it.each([
    ['since', 'since'],
    ['dry-run', 'dryRun'],
    ['max-unavailable-pods', 'maxUnavailablePods'],
  ])('camelCase(%s) is %s', (flag, key) => {
    expect(camelCase(flag)).toBe(key);
  });
});
