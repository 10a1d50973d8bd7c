import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { checkConfigText, parseConfig } from '../../src/config/load.ts';
import { ConfigError, formatProblem } from '../../src/config/problems.ts';
import { deployDrivers } from '../../src/drivers/index.ts';

const BASE = `environments:
  staging: { kubernetes: { context: staging } }
  prod: { kubernetes: { context: prod }, approval: { from: [sre] } }
services:
  api:
    github: { repo: acme/api }
    deploy: { via: kubernetes, image: ghcr.io/acme/api }
    kubernetes: { namespace: api, deployment: api }
    scale: { min: 2, max: 20 }
roles:
  sre: { members: [U0BOB, "@sre-oncall"], allow: ["*"] }
`;

function problems(text: string): string[] {
  try {
    parseConfig(text, 'test.yaml');
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map(formatProblem);
    throw err;
  }
  return [];
}

describe('parseConfig', () => {
  it('accepts the base config and fills defaults', () => {
    const config = parseConfig(BASE);
    expect(config.environments.prod?.approval).toEqual({ required: 1, from: ['sre'], expiresIn: '30m' });
    expect(config.environments.staging?.freezes).toEqual([]);
    expect(config.services.api?.github?.defaultRef).toBe('main');
    expect(config.services.api?.deploy).toEqual({ via: 'kubernetes', image: 'ghcr.io/acme/api', tag: 'ref' });
  });

  it('reads required checks and promotion, with a bake of 0s unless given', () => {
    const text = BASE.replace(
      'approval: { from: [sre] }',
      'approval: { from: [sre] }, checks: { required: [ci/build, test] }, promotion: { from: staging }',
    );
    const prod = parseConfig(text).environments.prod;
    expect(prod?.checks).toEqual({ required: ['ci/build', 'test'] });
    expect(prod?.promotion).toEqual({ from: 'staging', bake: '0s' });
    expect(parseConfig(BASE).environments.prod?.promotion).toBeUndefined();
  });

  it('accepts the shipped example', async () => {
    const text = await readFile(new URL('../../opsdeck.example.yaml', import.meta.url), 'utf8');
    expect(Object.keys(parseConfig(text).services)).toEqual(['api', 'web', 'worker', 'billing']);
  });

  it.each<[string, string, string[]]>([
    [
      'a typo in a key',
      BASE.replace('scale:', 'sacle:'),
      ['services.api.sacle: unknown key (did you mean "scale"?) (line 9)'],
    ],
    [
      'a wrong type',
      BASE.replace('max: 20', 'max: lots'),
      ['services.api.scale.max: expected a number, got "lots" (line 9)'],
    ],
    [
      'a missing required field',
      BASE.replace(', deployment: api', ''),
      ['services.api.kubernetes.deployment: required (line 8)'],
    ],
    [
      'an unknown deploy driver',
      BASE.replace('via: kubernetes', 'via: helm'),
      [`services.api.deploy.via: expected one of ${deployDrivers.map((d) => `"${d.via}"`).join(', ')} (line 7)`],
    ],
    [
      'a bad duration',
      BASE.replace('from: [sre]', 'from: [sre], expiresIn: soon'),
      ['environments.prod.approval.expiresIn: expected a duration such as 30m, 12h or 7d (line 3)'],
    ],
    [
      'a channel given by name',
      BASE.replace(
        'staging: { kubernetes: { context: staging } }',
        'staging: { kubernetes: { context: staging }, channels: ["#deploys"] }',
      ),
      ['environments.staging.channels[0]: expected a Slack channel id such as C0123ABCD (not a #name) (line 2)'],
    ],
    [
      'a member given by name',
      BASE.replace('U0BOB', 'bob'),
      ['roles.sre.members[0]: expected a Slack user id (U0123ABCD) or an @usergroup handle (line 11)'],
    ],
    [
      'a malformed permission',
      BASE.replace('"*"', '"deploy api"'),
      ['roles.sre.allow[0]: expected a permission like deploy:api:prod, logs:*:* or * (line 11)'],
    ],
    [
      'an unknown permission verb',
      BASE.replace('"*"', '"deply:*:*"'),
      ['roles.sre.allow[0]: unknown permission verb "deply" (did you mean "deploy"?) (line 11)'],
    ],
    [
      'a permission for an unknown environment',
      BASE.replace('"*"', '"scale:*:stagin"'),
      ['roles.sre.allow[0]: unknown environment "stagin" (did you mean "staging"?) (line 11)'],
    ],
    [
      'a permission for an unknown service',
      BASE.replace('"*"', '"deploy:apu"'),
      ['roles.sre.allow[0]: unknown service "apu" (did you mean "api"?) (line 11)'],
    ],
    [
      'an approver role that does not exist',
      BASE.replace('from: [sre]', 'from: [sre, ops]'),
      ['environments.prod.approval.from[1]: unknown role "ops" (known: sre) (line 3)'],
    ],
    [
      'an environment without a context for Kubernetes services',
      BASE.replace(' kubernetes: { context: prod },', ''),
      [
        'environments.prod.kubernetes.context: required: api runs on Kubernetes in prod ' +
          '(or set inCluster: true) (line 3)',
      ],
    ],
    [
      'two environments on one context',
      BASE.replace('context: prod', 'context: staging'),
      ['environments.prod.kubernetes.context: "staging" is also the context of staging'],
    ],
    [
      'scale bounds upside down',
      BASE.replace('min: 2', 'min: 30'),
      ['services.api.scale.min: must not exceed scale.max (30 > 20) (line 9)'],
    ],
    [
      'a github driver without a repo',
      BASE.replace('    github: { repo: acme/api }\n', '').replace(
        'via: kubernetes, image: ghcr.io/acme/api',
        'via: github-deployment',
      ),
      ['services.api.github.repo: required when deploy.via is github-deployment (line 5)'],
    ],
    [
      'a service in an unknown environment',
      BASE.replace('  api:\n', '  api:\n    environments: [prod, qa]\n'),
      ['services.api.environments[1]: unknown environment "qa" (known: staging, prod) (line 6)'],
    ],
    [
      'an invalid freeze cron',
      BASE.replace(
        'staging: { kubernetes: { context: staging } }',
        'staging: { kubernetes: { context: staging }, freezes: [{ name: x, cron: "61 * * * *", duration: 1h }] }',
      ),
      ['environments.staging.freezes[0].cron: invalid cron'],
    ],
    [
      'promotion from an unknown environment',
      BASE.replace('approval: { from: [sre] }', 'approval: { from: [sre] }, promotion: { from: stagin, bake: 30m }'),
      ['environments.prod.promotion.from: unknown environment "stagin" (did you mean "staging"?) (line 3)'],
    ],
    [
      'promotion from itself',
      BASE.replace('approval: { from: [sre] }', 'approval: { from: [sre] }, promotion: { from: prod }'),
      ['environments.prod.promotion.from: promotion goes round in a circle (prod ← prod)'],
    ],
    [
      'promotion in a circle',
      BASE.replace('approval: { from: [sre] }', 'approval: { from: [sre] }, promotion: { from: staging }').replace(
        'staging: { kubernetes: { context: staging } }',
        'staging: { kubernetes: { context: staging }, promotion: { from: prod, bake: 1h } }',
      ),
      ['environments.staging.promotion.from: promotion goes round in a circle (staging ← prod ← staging)'],
    ],
    [
      'a bad bake time',
      BASE.replace('approval: { from: [sre] }', 'approval: { from: [sre] }, promotion: { from: staging, bake: soon }'),
      ['environments.prod.promotion.bake: expected a duration such as 30m, 12h or 7d (line 3)'],
    ],
    [
      'required checks that are neither all, none nor a list',
      BASE.replace('approval: { from: [sre] }', 'approval: { from: [sre] }, checks: { required: some }'),
      ['environments.prod.checks.required'],
    ],
    ['invalid YAML', `${BASE}  bad: [unclosed\n`, ['YAML']],
    [
      'a duplicated key',
      BASE.replace(
        '  staging: { kubernetes: { context: staging } }\n',
        '  staging: { kubernetes: { context: staging } }\n  staging: {}\n',
      ),
      ['YAML: Map keys must be unique'],
    ],
    ['an empty file', '', ['environments: required', 'services: required', 'roles: required']],
  ])('reports %s', (_label, text, expected) => {
    const found = problems(text);
    expect(found.length).toBeGreaterThan(0);
    for (const line of expected) expect(found.some((p) => p.includes(line))).toBe(true);
  });

  it('reports every schema problem at once', () => {
    const text = BASE.replace('max: 20', 'max: lots')
      .replace('scale:', 'scale:')
      .replace('U0BOB', 'bob')
      .replace('via: kubernetes', 'via: helm');
    expect(problems(text)).toHaveLength(3);
  });

  // A file with a schema error used to stop there, hiding every reference problem until it was fixed.
  it.each<[string, string, string[]]>([
    [
      'a wrong type and an approval from an undefined role',
      BASE.replace('max: 20', 'max: "lots"').replace('from: [sre]', 'from: [sre, release]'),
      [
        'environments.prod.approval.from[1]: unknown role "release" (known: sre) (line 3)',
        'services.api.scale.max: expected a number, got "lots" (line 9)',
      ],
    ],
    [
      'a bad member and a permission for an unknown service',
      BASE.replace('U0BOB', 'bob').replace('"*"', '"deploy:apu"'),
      [
        'roles.sre.members[0]: expected a Slack user id (U0123ABCD) or an @usergroup handle (line 11)',
        'roles.sre.allow[0]: unknown service "apu" (did you mean "api"?) (line 11)',
      ],
    ],
    [
      'a bad value in a service that roles refer to (the service still exists by name)',
      BASE.replace('max: 20', 'max: lots').replace('"*"', '"scale:api:prod"'),
      ['services.api.scale.max: expected a number, got "lots" (line 9)'],
    ],
    [
      'a bad repo (not reported again as a missing one)',
      BASE.replace('repo: acme/api', 'repo: not-a-repo').replace(
        'via: kubernetes, image: ghcr.io/acme/api',
        'via: github-deployment',
      ),
      ['services.api.github.repo: expected owner/name (line 6)'],
    ],
  ])('reports schema and cross-reference problems together: %s', (_label, text, expected) => {
    expect(problems(text)).toEqual(expected);
  });
});

describe('checkConfigText', () => {
  const approvals = (required: number, members: string, extraRoles = '') =>
    BASE.replace(
      'approval: { from: [sre] }',
      `approval: { required: ${required}, from: [sre${extraRoles ? ', release' : ''}] }`,
    ).replace(
      'sre: { members: [U0BOB, "@sre-oncall"], allow: ["*"] }',
      `sre: { members: [${members}], allow: ["*"] }${extraRoles}`,
    );

  it.each<[string, string, string[]]>([
    ['two approvers named, one required', approvals(1, 'U0BOB, U0ALICE'), []],
    [
      'one approver named, one required',
      approvals(1, 'U0BOB'),
      [
        'warning: environments.prod.approval.required: a request by a member of sre (U0BOB) can never be approved: ' +
          'it needs 1 approver besides the requester, and role sre has 1 member (line 3)',
      ],
    ],
    [
      'two named, two required',
      approvals(2, 'U0BOB, U0ALICE'),
      [
        'warning: environments.prod.approval.required: ' +
          'a request by a member of sre (U0BOB, U0ALICE) can never be approved: ' +
          'it needs 2 approvers besides the requester, and role sre has 2 members (line 3)',
      ],
    ],
    [
      'two named, three required',
      approvals(3, 'U0BOB, U0ALICE'),
      [
        'warning: environments.prod.approval.required: can never be met: ' +
          'it needs 3 approvers, and role sre has 2 members (U0BOB, U0ALICE) (line 3)',
      ],
    ],
    [
      'nobody named',
      approvals(1, ''),
      [
        'warning: environments.prod.approval.required: can never be met: ' +
          'it needs 1 approver, and role sre has no members (line 3)',
      ],
    ],
    [
      'two roles with one member each',
      approvals(1, 'U0BOB', '\n  release: { members: [U0ALICE], allow: [status] }'),
      [],
    ],
    [
      'the same person in two roles counts once',
      approvals(1, 'U0BOB', '\n  release: { members: [U0BOB], allow: [status] }'),
      [
        'warning: environments.prod.approval.required: ' +
          'a request by a member of sre, release (U0BOB) can never be approved: ' +
          'it needs 1 approver besides the requester, and roles sre, release have 1 member (line 3)',
      ],
    ],
    [
      'a user group, ids not enough on their own',
      approvals(1, 'U0BOB, "@sre-oncall"'),
      [
        'note: environments.prod.approval.required: not checked offline: ' +
          'it needs 1 approver besides the requester; ' +
          'role sre has 1 user id (U0BOB) and @sre-oncall, whose members only Slack knows (line 3)',
      ],
    ],
    ['a user group, ids enough on their own', approvals(1, 'U0BOB, U0ALICE, "@sre-oncall"'), []],
  ])('approval reach: %s', (_label, text, expected) => {
    const { errors, findings } = checkConfigText(text, 'test.yaml');
    expect(errors).toEqual([]);
    expect(findings.map((f) => `${f.level}: ${formatProblem(f)}`)).toEqual(expected);
  });

  it('finds approval rules that cannot be met even when the file has errors', () => {
    const { config, errors, findings } = checkConfigText(approvals(2, 'U0BOB').replace('max: 20', 'max: lots'));
    expect(config).toBeUndefined();
    expect(errors.map(formatProblem)).toEqual(['services.api.scale.max: expected a number, got "lots" (line 9)']);
    expect(findings.map((f) => f.level)).toEqual(['warning']);
  });
});

describe('logs.cloudwatch.filterLogEventsTps', () => {
  it.each([
    ['', undefined],
    ['logs: { cloudwatch: {} }\n', 5],
    ['logs: { cloudwatch: { filterLogEventsTps: 25 } }\n', 25],
    ['logs: { cloudwatch: { filterLogEventsTps: 0.5 } }\n', 0.5],
  ])('%j gives %s', (extra, tps) => {
    expect(parseConfig(BASE + extra, 'test.yaml').logs?.cloudwatch?.filterLogEventsTps).toBe(tps);
  });

  it.each([0, -1, 1000])('refuses %s calls a second', (tps) => {
    const found = problems(`${BASE}logs: { cloudwatch: { filterLogEventsTps: ${tps} } }\n`);
    expect(found).toEqual([expect.stringContaining('logs.cloudwatch.filterLogEventsTps')]);
  });
});
