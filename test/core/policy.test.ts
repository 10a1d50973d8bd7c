import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { verbs } from '../../commands/index.ts';
import { Policy, type RoleDefinition } from '../../src/core/policy.ts';
import { DirectoryUnavailable, type Directory } from '../../src/ports/directory.ts';

const config = parseConfig(
  readFileSync(new URL('../../opsdeck.example.yaml', import.meta.url), 'utf8'),
  'opsdeck.example.yaml',
);
const roles: Record<string, RoleDefinition> = config.roles;

/** User groups as Slack would report them; an unknown group has no members. */
class FixedDirectory implements Directory {
  readonly asked: string[] = [];
  readonly #groups = new Map<string, ReadonlySet<string>>([
    ['sre-oncall', new Set(['U0BOB2'])],
    ['eng', new Set(['U0ALICE', 'U0DAVE'])],
  ]);

  async groupMembers(handle: string): Promise<ReadonlySet<string>> {
    this.asked.push(handle);
    return this.#groups.get(handle) ?? new Set();
  }

  async groupId(handle: string): Promise<string | undefined> {
    return this.#groups.has(handle) ? `S_${handle}` : undefined;
  }
}

const policy = new Policy(roles, new FixedDirectory());

type Role = 'sre' | 'developer' | 'viewer' | 'none';
const A = 'allow' as const;
const D = 'deny' as const;
type Outcome = typeof A | typeof D;

/** Who holds each role in the example config with the directory above (by id and through groups). */
const USERS: Record<Role, string[]> = {
  sre: ['U0BOB', 'U0BOB2'], // U0BOB by id, U0BOB2 through @sre-oncall
  developer: ['U0ALICE', 'U0DAVE'], // both through @eng
  viewer: ['U0CAROL'], // by id
  none: ['U0NOBODY'],
};

/**
 * Read from opsdeck.example.yaml, for service `api`:
 *   sre:       *
 *   developer: deploy:*:*, logs:*:*, runbook, status, rollback:*:staging, scale:*:staging, audit:*:staging
 *   viewer:    logs:*:staging, runbook, status
 */
const MATRIX: [verb: string, env: string, sre: Outcome, developer: Outcome, viewer: Outcome, none: Outcome][] = [
  ['deploy', 'staging', A, A, D, D],
  ['deploy', 'prod', A, A, D, D],
  ['rollback', 'staging', A, A, D, D],
  ['rollback', 'prod', A, D, D, D],
  ['scale', 'staging', A, A, D, D],
  ['scale', 'prod', A, D, D, D],
  ['logs', 'staging', A, A, A, D],
  ['logs', 'prod', A, A, D, D],
  ['runbook', 'staging', A, A, A, D],
  ['runbook', 'prod', A, A, A, D],
  ['audit', 'staging', A, A, D, D],
  ['audit', 'prod', A, D, D, D],
  ['lock', 'staging', A, D, D, D],
  ['lock', 'prod', A, D, D, D],
  ['status', 'staging', A, A, A, D],
  ['status', 'prod', A, A, A, D],
  ['breakglass', 'staging', A, D, D, D],
  ['breakglass', 'prod', A, D, D, D],
];

const ROLE_ORDER: Role[] = ['sre', 'developer', 'viewer', 'none'];
const CASES = MATRIX.flatMap(([verb, env, ...outcomes]) =>
  ROLE_ORDER.flatMap((role, i) => USERS[role].map((user) => ({ verb, env, role, user, outcome: outcomes[i]! }))),
);

describe('Policy with the example config: every role × verb × environment for service api', () => {
  it('the matrix lists every verb in every environment exactly once', () => {
    const rows = MATRIX.map(([verb, env]) => `${verb}:${env}`).sort();
    const wanted = verbs.flatMap((verb) => ['staging', 'prod'].map((env) => `${verb}:${env}`)).sort();
    expect(rows).toEqual(wanted);
    expect(Object.keys(config.environments).sort()).toEqual(['prod', 'staging']);
  });

  it.each(CASES)('$role ($user) $verb:api:$env → $outcome', async ({ verb, env, role, user, outcome }) => {
    const decision = await policy.check(user, { verb, service: 'api', env });
    expect(decision.allowed).toBe(outcome === A);
    expect(decision.roles).toEqual(role === 'none' ? [] : [role]);
    if (!decision.allowed) expect(decision.reason).toContain(`\`${verb}:api:${env}\``);
    // The synchronous check used by help and the pipeline agrees with check().
    expect(policy.allows(decision.roles, { verb, service: 'api', env })).toBe(outcome === A);
  });
});

describe('Policy: role membership', () => {
  it.each<[string, string, string[]]>([
    ['by user id', 'U0BOB', ['sre']],
    ['through a usergroup handle', 'U0BOB2', ['sre']],
    ['through another usergroup', 'U0DAVE', ['developer']],
    ['by user id, no groups', 'U0CAROL', ['viewer']],
    ['in no role', 'U0NOBODY', []],
    ['an id is not matched by prefix', 'U0BO', []],
  ])('%s: %s holds %j', async (_name, user, expected) => {
    expect(await policy.rolesOf(user)).toEqual(expected);
  });

  it('asks the directory by handle without the @', async () => {
    const directory = new FixedDirectory();
    await new Policy(roles, directory).rolesOf('U0NOBODY');
    expect(directory.asked.sort()).toEqual(['eng', 'sre-oncall']);
  });

  it('a user in two roles gets the union of their grants', async () => {
    const both = new Policy(
      { ...roles, viewer: { members: ['U0CAROL', '@eng'], allow: roles.viewer!.allow } },
      new FixedDirectory(),
    );
    expect(await both.rolesOf('U0ALICE')).toEqual(['developer', 'viewer']);
    expect(await both.check('U0ALICE', { verb: 'deploy', service: 'api', env: 'prod' })).toEqual({
      allowed: true,
      roles: ['developer', 'viewer'],
    });
    expect(await both.check('U0ALICE', { verb: 'lock', service: 'api', env: 'prod' })).toEqual({
      allowed: false,
      roles: ['developer', 'viewer'],
      reason: 'needs role `sre` for `lock:api:prod` (you have `developer`, `viewer`)',
    });
  });

  it('a user listed both by id and through a group holds the role once', async () => {
    const twice = new Policy({ sre: { members: ['U0BOB2', '@sre-oncall'], allow: ['*'] } }, new FixedDirectory());
    expect(await twice.rolesOf('U0BOB2')).toEqual(['sre']);
  });

  it('exposes role names and grants', () => {
    expect(policy.roleNames).toEqual(['sre', 'developer', 'viewer']);
    expect(policy.grantsOf('viewer')).toEqual(['logs:*:staging', 'runbook', 'status']);
    expect(policy.grantsOf('nobody')).toEqual([]);
  });
});

describe('Policy when Slack user groups cannot be looked up', () => {
  class DownDirectory implements Directory {
    async groupMembers(handle: string): Promise<ReadonlySet<string>> {
      throw new DirectoryUnavailable(handle);
    }
    async groupId(): Promise<string | undefined> {
      return undefined;
    }
  }
  const down = new Policy(roles, new DownDirectory());

  it.each<[string, string, { roles: string[]; unverified: string[] }]>([
    [
      'a member by id keeps that role; group roles are unverified',
      'U0BOB',
      { roles: ['sre'], unverified: ['developer'] },
    ],
    ['a member only through groups holds nothing verified', 'U0ALICE', { roles: [], unverified: ['sre', 'developer'] }],
    [
      'a role without groups is decided without the directory',
      'U0CAROL',
      { roles: ['viewer'], unverified: ['sre', 'developer'] },
    ],
  ])('%s (%s)', async (_name, user, expected) => {
    expect(await down.resolve(user)).toEqual(expected);
  });

  it('says roles could not be verified instead of "you hold no role"', async () => {
    const decision = await down.check('U0ALICE', { verb: 'deploy', service: 'api', env: 'staging' });
    expect(decision).toMatchObject({ allowed: false, roles: [] });
    expect(decision.allowed || decision.reason).toContain('could not verify your roles');
  });

  it('blames the lookup only when an unverified role would grant the permission', async () => {
    const decision = await down.check('U0CAROL', { verb: 'breakglass', service: 'api', env: 'prod' });
    expect(decision.allowed || decision.reason).toContain('could not verify your roles');
    const viewerOnly = new Policy({ viewer: roles.viewer! }, new DownDirectory());
    expect(await viewerOnly.check('U0CAROL', { verb: 'deploy', service: 'api', env: 'prod' })).toMatchObject({
      reason: 'no role grants `deploy:api:prod` (you have `viewer`)',
    });
  });
});

describe('Policy: denial reasons', () => {
  const withoutSre = new Policy({ developer: roles.developer!, viewer: roles.viewer! }, new FixedDirectory());

  it.each<[string, Policy, string[], { verb: string; service?: string; env?: string }, string]>([
    [
      'one role would grant it',
      policy,
      ['developer'],
      { verb: 'rollback', service: 'api', env: 'prod' },
      'needs role `sre` for `rollback:api:prod` (you have `developer`)',
    ],
    [
      'several roles would grant it',
      policy,
      ['viewer'],
      { verb: 'logs', service: 'api', env: 'prod' },
      'needs role `sre` or `developer` for `logs:api:prod` (you have `viewer`)',
    ],
    [
      'the user has no role',
      policy,
      [],
      { verb: 'deploy', service: 'api', env: 'prod' },
      'needs role `sre` or `developer` for `deploy:api:prod` (you have no opsdeck role)',
    ],
    [
      'the user has two roles',
      policy,
      ['developer', 'viewer'],
      { verb: 'lock', service: 'api', env: 'staging' },
      'needs role `sre` for `lock:api:staging` (you have `developer`, `viewer`)',
    ],
    [
      'a need without env',
      policy,
      ['viewer'],
      { verb: 'logs', service: 'api' },
      'needs role `sre` or `developer` for `logs:api` (you have `viewer`)',
    ],
    [
      'no role grants it',
      withoutSre,
      ['developer'],
      { verb: 'breakglass', service: 'api', env: 'prod' },
      'no role grants `breakglass:api:prod` (you have `developer`)',
    ],
    [
      'no role grants it, no role held',
      withoutSre,
      [],
      { verb: 'lock', service: 'api', env: 'prod' },
      'no role grants `lock:api:prod` (you have no opsdeck role)',
    ],
  ])('%s', (_name, p, held, need, reason) => {
    expect(p.denialReason(held, need)).toBe(reason);
  });

  it('check() reports the same reason for the user it resolved', async () => {
    expect(await policy.check('U0CAROL', { verb: 'deploy', service: 'api', env: 'staging' })).toEqual({
      allowed: false,
      roles: ['viewer'],
      reason: 'needs role `sre` or `developer` for `deploy:api:staging` (you have `viewer`)',
    });
  });

  it.each<[{ verb: string; service?: string; env?: string }, string[]]>([
    [{ verb: 'deploy', service: 'api', env: 'prod' }, ['sre', 'developer']],
    [{ verb: 'logs', service: 'api', env: 'staging' }, ['sre', 'developer', 'viewer']],
    [{ verb: 'lock', service: 'api', env: 'staging' }, ['sre']],
  ])('rolesGranting %j', (need, granting) => {
    expect(policy.rolesGranting(need)).toEqual(granting);
  });
});

describe('Policy.allowsVerbSomewhere', () => {
  it.each<[string[], string, boolean]>([
    [['sre'], 'breakglass', true],
    [['developer'], 'rollback', true], // staging only, but somewhere
    [['developer'], 'audit', true],
    [['developer'], 'lock', false],
    [['developer'], 'breakglass', false],
    [['viewer'], 'logs', true],
    [['viewer'], 'status', true],
    [['viewer'], 'deploy', false],
    [['viewer', 'developer'], 'scale', true],
    [[], 'status', false],
    [['no-such-role'], 'status', false],
  ])('%j may %s somewhere: %s', (held, verb, expected) => {
    expect(policy.allowsVerbSomewhere(held, verb)).toBe(expected);
  });
});
