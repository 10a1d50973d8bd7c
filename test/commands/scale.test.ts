import { describe, expect, it } from 'vitest';
import { scale } from '../../commands/scale.ts';
import type { ChangePlan } from '../../src/core/changes/define-change.ts';
import type { Backends, ScaleStatus } from '../../src/ports/backends.ts';
import type { Logger } from '../../src/ports/logger.ts';
import { toMrkdwn } from '../../src/slack/mrkdwn.ts';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
const catalog = { services: { api: { scale: { min: 2, max: 20 } }, worker: {} }, environments: { prod: {} } };

/** The command with exactly the two capabilities it declares, and a submit that keeps the plan. */
async function run(args: { service: string; replicas: number }, status: ScaleStatus) {
  const backends: Backends = {
    deployer: () => undefined,
    scaler: () => ({ status: async () => status, scale: async () => ({ ok: true, summary: '' }) }),
    sourceControl: undefined,
  };
  const plans: ChangePlan[] = [];
  await scale.handler({
    invocationId: 'inv_1',
    actor: { userId: 'U0BOB', roles: ['sre'] },
    channelId: 'C1',
    args: { ...args, env: 'prod', dryRun: false, force: false },
    target: { service: args.service, env: 'prod' },
    deps: { catalog, backends },
    reply: { ephemeral: async () => {}, inChannel: async () => {} },
    log: silent,
    submit: async (plan) => void plans.push(plan),
  });
  return plans;
}

describe('/scale, built with only the capabilities it declares', () => {
  it('declares what it needs, and nothing else', () => {
    expect([...scale.needs].sort()).toEqual(['backends', 'catalog']);
  });

  it('plans a scale within bounds, with the replica count it was planned against', async () => {
    const [plan] = await run({ service: 'api', replicas: 5 }, { replicas: 3, ready: 3 });
    expect(plan).toMatchObject({
      kind: 'scale',
      service: 'api',
      env: 'prod',
      params: { replicas: 5 },
      basis: '3 replicas',
    });
    expect(plan?.fields.map(toMrkdwn)).toContain('*Replicas*\n3 → 5');
  });

  it.each([
    ['outside the bounds', { service: 'api', replicas: 50 }, 'between 2 and 20 replicas; 50 is outside'],
    ['without bounds', { service: 'worker', replicas: 3 }, 'has no replica bounds'],
    ['to what already runs', { service: 'api', replicas: 3 }, 'already runs 3 replicas'],
  ])('refuses a scale %s and plans nothing', async (_label, args, message) => {
    await expect(run(args, { replicas: 3, ready: 3 })).rejects.toThrow(message);
  });

  it('warns when an autoscaler manages the deployment', async () => {
    const [plan] = await run(
      { service: 'api', replicas: 5 },
      { replicas: 3, ready: 3, autoscaler: { name: 'api', min: 2, max: 6 } },
    );
    expect(toMrkdwn(plan?.warnings?.[0] ?? '')).toContain('HorizontalPodAutoscaler `api`');
  });
});
