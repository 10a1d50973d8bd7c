import { describe, expect, it } from 'vitest';
import type { Catalog } from '../../../src/core/catalog.ts';
import { checkDeployGates, type GateInput } from '../../../src/core/gates/deploy-gates.ts';
import { plainText } from '../../../src/core/text.ts';
import type { CommitCheck } from '../../../src/ports/commit-checks.ts';
import type { RequestFilter, StoredRequest } from '../../../src/ports/store.ts';
import { ManualClock } from '../../helpers/clock.ts';

const SHA = '1234567'.padEnd(40, 'f');
const APPROVAL = { required: 1, from: ['sre'], expiresIn: '30m' };
const catalog: Catalog = {
  environments: {
    staging: {},
    prod: { approval: APPROVAL, promotion: { from: 'staging', bake: '30m' } },
    qa: { checks: { required: ['build'] } },
  },
  services: { api: { github: { repo: 'acme/api', defaultRef: 'main' } } },
};

function staged(minutesAgo: number, clock: ManualClock): StoredRequest {
  const at = new Date(clock.now().getTime() - minutesAgo * 60_000);
  return {
    id: 'req_staged',
    kind: 'deploy',
    service: 'api',
    env: 'staging',
    requester: 'U0ALICE',
    channel: 'C0DEPLOYS',
    params: { exec: { ref: 'main', sha: SHA } },
    hash: 'h',
    createdAt: at,
    updatedAt: at,
    state: 'succeeded',
    version: 4,
  };
}

function deps(checks: CommitCheck[] | Error, history: StoredRequest[], clock: ManualClock) {
  const asked: RequestFilter[] = [];
  return {
    asked,
    deps: {
      catalog,
      clock,
      commitChecks: {
        read: async () => {
          if (checks instanceof Error) throw checks;
          return checks;
        },
      },
      requests: {
        listRequests: async (filter: RequestFilter) => {
          asked.push(filter);
          return history.filter((r) => r.env === filter.env);
        },
      },
    },
  };
}

const input = (env: string, more: Partial<GateInput> = {}): GateInput => ({
  service: 'api',
  env,
  repo: 'acme/api',
  ref: 'main',
  sha: SHA,
  force: false,
  canBreakGlass: false,
  ...more,
});

const red: CommitCheck = { name: 'test', state: 'failed', url: 'https://ci.example/test/7', detail: 'failure' };
const green: CommitCheck = { name: 'build', state: 'passed' };

describe('checkDeployGates', () => {
  it.each<{ label: string; env: string; checks: CommitCheck[] | Error; bakedMinutes?: number; blocked?: string[] }>([
    { label: 'prod, green and baked', env: 'prod', checks: [green], bakedMinutes: 45 },
    {
      label: 'prod, red check',
      env: 'prod',
      checks: [green, red],
      bakedMinutes: 45,
      blocked: ['CI on `1234567`: `test` (https://ci.example/test/7) failed (failure)', 'Add `--force`'],
    },
    {
      label: 'prod, green but baking',
      env: 'prod',
      checks: [green],
      bakedMinutes: 10,
      blocked: ['only 10m ago', 'at 2026-11-25 10:20 UTC (in 20m)'],
    },
    {
      label: 'prod, never in staging',
      env: 'prod',
      checks: [green],
      blocked: ['has not been deployed to staging successfully'],
    },
    {
      label: 'prod, GitHub down',
      env: 'prod',
      checks: new Error('GitHub answered 502'),
      bakedMinutes: 45,
      blocked: ['could not be read (GitHub answered 502)'],
    },
    { label: 'staging, red check (nothing required)', env: 'staging', checks: [red] },
    { label: 'qa, only build required', env: 'qa', checks: [green, red] },
    {
      label: 'qa, build missing',
      env: 'qa',
      checks: [red],
      blocked: ['`build` has not reported'],
    },
  ])('$label', async ({ env, checks, bakedMinutes, blocked }) => {
    const clock = new ManualClock('2026-11-25T10:00:00Z');
    const history = bakedMinutes === undefined ? [] : [staged(bakedMinutes, clock)];
    const report = await checkDeployGates(deps(checks, history, clock).deps, input(env));
    if (!blocked) {
      expect(report.blocked).toBeUndefined();
      return;
    }
    const text = plainText(report.blocked ?? '');
    for (const part of blocked) expect(text).toContain(part);
    expect(report.forced).toBeUndefined();
  });

  it('lets --force pass every gate for a breakglass holder, naming what it passed', async () => {
    const clock = new ManualClock('2026-11-25T10:00:00Z');
    const report = await checkDeployGates(
      deps([red], [staged(5, clock)], clock).deps,
      input('prod', { force: true, canBreakGlass: true }),
    );
    expect(report.blocked).toBeUndefined();
    expect(report.reasons).toHaveLength(2);
    expect(plainText(report.forced ?? '')).toContain('`test` (https://ci.example/test/7) failed');
  });

  it('refuses --force without breakglass', async () => {
    const clock = new ManualClock('2026-11-25T10:00:00Z');
    const report = await checkDeployGates(deps([red], [], clock).deps, input('prod', { force: true }));
    expect(plainText(report.blocked ?? '')).toContain('`--force` needs the `breakglass` permission for `api/prod`');
  });

  it('shows checks and promotion on the request; reads only deploys of the promoting environment', async () => {
    const clock = new ManualClock('2026-11-25T10:00:00Z');
    const { deps: d, asked } = deps([green, red], [staged(45, clock)], clock);
    const report = await checkDeployGates(d, input('prod', { force: true, canBreakGlass: true }));
    const fields = report.fields.map(plainText);
    expect(fields[0]).toContain('CI checks (every check must pass)');
    expect(fields[0]?.indexOf('test')).toBeLessThan(fields[0]?.indexOf('build') ?? 0);
    expect(fields[1]).toContain('finished deploying to staging at 2026-11-25 09:15 UTC (45m ago; bake 30m)');
    expect(asked).toEqual([expect.objectContaining({ service: 'api', env: 'staging', kinds: ['deploy'] })]);
  });

  it('checks nothing for a service without a repository, and reads no history without promotion', async () => {
    const clock = new ManualClock('2026-11-25T10:00:00Z');
    const { deps: d, asked } = deps(new Error('not called'), [], clock);
    const report = await checkDeployGates(d, input('staging', { repo: undefined, sha: undefined }));
    expect(report.ci.kind).toBe('skipped');
    expect(report.fields).toEqual([]);
    expect(asked).toEqual([]);
  });
});
