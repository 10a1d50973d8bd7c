import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackends, type Backends } from '../helpers/backends.ts';
import { type PinnedClock, pinnedClock, WEEKDAY } from '../helpers/clock.ts';
import { startHarness, teamConfigText, type Harness } from '../helpers/harness.ts';
import { click, hasButtons, newRequest, settled } from '../helpers/requests.ts';

// One scripted day on one bot: a deploy, a failed deploy rolled back automatically, a rejected request,
// an emergency change; then the metrics as Prometheus scrapes them.
let clock: PinnedClock;
let world: Backends;
let h: Harness;
let scraped: string;
const MINUTE = 60_000;

/** The value of the one sample of `name` carrying every label given; undefined when there is none. */
function sample(name: string, labels: Record<string, string> = {}): number | undefined {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = scraped
    .split('\n')
    .find((l) => (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) && pairs.every((p) => l.includes(p)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

const approvable = (user: string, text: string) => newRequest(h, user, '/deploy', text, 'Deploy api to prod');

beforeAll(async () => {
  clock = pinnedClock(WEEKDAY);
  world = await startBackends(clock);
  // At once: the emergency change needs no request waiting first.
  const config = (await teamConfigText()).replace('after: 10m', 'after: at-once');
  h = await startHarness({ backends: world, configText: config });

  // 1. A deploy to staging, which needs no approval.
  await settled(h, await newRequest(h, 'U0ALICE', '/deploy', 'api staging v1.2.0', 'Deploy api to staging'));

  // 2. A prod deploy approved two minutes later, whose rollout fails and is rolled back.
  world.clusters.prod.failNextRollout('api', 'api');
  const failing = await approvable('U0ALICE', 'api prod v1.0.0');
  expect(hasButtons(failing)).toBe(true);
  clock.jump(2 * MINUTE);
  await click(h, 'U0BOB', failing, 'approve');
  expect((await settled(h, failing)).text).toMatch(/[Rr]olled back/);

  // 3. A prod request rejected.
  const rejected = await approvable('U0ALICE', 'api prod v1.2.0');
  await click(h, 'U0BOB', rejected, 'reject');
  expect((await settled(h, rejected)).text).toContain('Rejected by <@U0BOB>');

  // 4. The on-call SRE deploys alone in an emergency; nobody has reviewed it yet.
  const emergency = await approvable('U0BOB', 'api prod v1.2.0 --emergency "checkout is down"');
  expect((await settled(h, emergency)).text).toContain(':white_check_mark:');

  // And one request left waiting.
  await approvable('U0ALICE', 'api prod v1.0.0');

  const res = await fetch(`${h.baseUrl}/metrics`);
  expect(res.status).toBe(200);
  scraped = await res.text();
}, 60_000);

afterAll(async () => {
  await h?.stop();
  await world?.close();
});

describe('outcome metrics after a day', () => {
  it.each([
    [{ kind: 'deploy', env: 'staging', outcome: 'succeeded' }, 1],
    [{ kind: 'deploy', env: 'prod', outcome: 'rolled_back' }, 1],
    [{ kind: 'deploy', env: 'prod', outcome: 'rejected' }, 1],
    [{ kind: 'deploy', env: 'prod', outcome: 'succeeded' }, 1],
  ])('counts changes %o: %i', (labels, value) => {
    expect(sample('opsdeck_changes_total', labels)).toBe(value);
  });

  it('counts nothing that did not happen', () => {
    expect(sample('opsdeck_changes_total', { outcome: 'failed' })).toBeUndefined();
    expect(sample('opsdeck_changes_total', { outcome: 'expired' })).toBeUndefined();
    expect(sample('opsdeck_changes_total', { env: 'staging', outcome: 'rolled_back' })).toBeUndefined();
  });

  it('times each decision from request to decision', () => {
    const count = (decision: string) => sample('opsdeck_approval_latency_seconds_count', { env: 'prod', decision });
    expect([count('approved'), count('rejected'), count('emergency')]).toEqual([1, 1, 1]);
    // Approved after the two minutes the clock jumped, and not much later.
    const bucket = (le: string) =>
      sample('opsdeck_approval_latency_seconds_bucket', { env: 'prod', decision: 'approved', le });
    expect([bucket('60'), bucket('120'), bucket('300')]).toEqual([0, 0, 1]);
  });

  it('times the restore of the rolled-back deploy', () => {
    expect(sample('opsdeck_restore_seconds_count', { env: 'prod', how: 'automatic' })).toBe(1);
    expect(sample('opsdeck_restore_seconds_count', { how: 'rollback' })).toBeUndefined();
  });

  it('counts the emergency approval and the review it waits for', () => {
    expect(sample('opsdeck_emergency_approvals_total', { env: 'prod' })).toBe(1);
    expect(sample('opsdeck_emergency_reviews_open')).toBe(1);
    expect(sample('opsdeck_emergency_reviews_overdue')).toBe(0);
  });

  it('reads what is open now from the store', () => {
    expect(sample('opsdeck_pending_approvals', { env: 'prod' })).toBe(1);
    expect(sample('opsdeck_pending_approvals', { env: 'staging' })).toBeUndefined();
    expect(sample('opsdeck_running_changes', { env: 'prod' })).toBeUndefined();
    expect(sample('opsdeck_follows_running')).toBe(0);
  });
});
