import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoredMessage } from '../../src/sandbox/slack/index.ts';
import { startBackends, type Backends } from '../helpers/backends.ts';
import { type PinnedClock, pinnedClock, WEEKDAY } from '../helpers/clock.ts';
import { startHarness, teamConfigText, textOf, type Harness } from '../helpers/harness.ts';
import { auditActions, hasButtons, newRequest, nextEphemeral, requestIdOf, settled } from '../helpers/requests.ts';

// The example config: prod's emergency path is for `sre` (Bob, Erin), after 10m undecided, reviewed within 24h.
let clock: PinnedClock;
let world: Backends;
let h: Harness;
const MINUTE = 60_000;

const imageOf = () => world.clusters.prod.getDeployment('api', 'api')?.spec.template.spec.containers[0]?.image;
const thread = (msg: StoredMessage) => h.slack.messages({ channel: 'C0DEPLOYS', threadTs: msg.ts });
const reviewIn = (msg: StoredMessage) =>
  h.slack.waitFor(() => thread(msg).find((m) => JSON.stringify(m.blocks).includes('opsdeck.review.acknowledge')));
const reviewIdOf = (m: StoredMessage) => /`(rev_[A-Za-z0-9_-]+)`/.exec(textOf(m))![1]!;
const acknowledge = (user: string, review: StoredMessage) =>
  nextEphemeral(h, user, () =>
    h.slack.sendBlockAction({
      user,
      channel: 'C0DEPLOYS',
      messageTs: review.ts,
      actionId: 'opsdeck.review.acknowledge',
      value: reviewIdOf(review),
    }),
  );

async function auditOf(action: string) {
  const store = h.openStore();
  try {
    return (await store.queryAudit({ limit: 1000 })).filter((r) => r.action === action);
  } finally {
    await store.close();
  }
}

/** Waits until the change has ended and said so in its thread, so no run is left when the clock jumps. */
async function ended(msg: StoredMessage): Promise<void> {
  await settled(h, msg);
  await h.slack.waitFor(() => thread(msg).find((m) => m.text.includes('<@U0BOB> done')));
}

/** Bob asks, nobody answers for 11 minutes, and he approves it himself: the request message it posts. */
async function emergencyDeploy(): Promise<StoredMessage> {
  const first = await newRequest(h, 'U0BOB', '/deploy', 'api prod v1.2.0', 'Deploy api to prod');
  clock.jump(11 * MINUTE);
  const msg = await newRequest(
    h,
    'U0BOB',
    '/deploy',
    'api prod v1.2.0 --emergency "checkout is down"',
    'Deploy api to prod',
  );
  expect(msg.ts).not.toBe(first.ts);
  return msg;
}

beforeEach(async () => {
  clock = pinnedClock(WEEKDAY);
  world = await startBackends(clock);
  h = await startHarness({ backends: world, configText: await teamConfigText() });
});
afterEach(async () => {
  await h?.stop();
  await world?.close();
});

describe('the emergency path', () => {
  it('refuses too early, saying when; then lets on-call approve alone, flagged, announced and audited', async () => {
    await newRequest(h, 'U0BOB', '/deploy', 'api prod v1.2.0', 'Deploy api to prod');
    clock.jump(3 * MINUTE);
    const early = await h.run('U0BOB', '/deploy', 'api prod v1.2.0 --emergency "checkout is down"');
    expect(early.text).toContain('Too early for an emergency self-approval');
    expect(early.text).toMatch(/from 2026-11-25 10:10 UTC \(in 7m\)/);
    expect(imageOf()).toBe('ghcr.io/acme/api:v1.1.0');

    clock.jump(8 * MINUTE);
    const msg = await newRequest(
      h,
      'U0BOB',
      '/deploy',
      'api prod v1.2.0 --emergency "checkout is down"',
      'Deploy api to prod',
    );
    const done = await settled(h, msg);
    expect(done.text).toContain(':white_check_mark:');
    expect(textOf(done)).toContain(
      ':red_circle: *EMERGENCY:* approved by <@U0BOB> alone, to be reviewed: checkout is down',
    );
    expect(imageOf()).toBe('ghcr.io/acme/api:v1.2.0');
    const review = await reviewIn(msg);
    // The approvers are pinged: the role's members and its user group.
    expect(review.text).toContain('<@U0BOB> approved their own change (Deploy api to prod)');
    expect(review.text).toMatch(/<@U0ERIN>.*<!subteam\^S0SRE>/);
    expect(review.text).toContain('acknowledge by 2026-11-26 10:11 UTC');
    expect(await auditActions(h, requestIdOf(done))).toEqual([
      'deploy.requested',
      'emergency.requested',
      'emergency.self_approved',
      'review.opened',
      'deploy.started',
      'deploy.succeeded',
    ]);
  });

  it('refuses someone without the emergency role, naming it and how to get it, and changes nothing', async () => {
    const before = await h.auditCount();
    const reply = await h.run('U0ALICE', '/deploy', 'api prod v1.2.0 --emergency "checkout is down"');
    expect(reply.text).toContain('Emergency self-approval in `prod` needs role `sre` (you have `developer`)');
    expect(reply.text).toContain('`roles.sre.members`');
    expect(h.slack.messages({ channel: 'C0DEPLOYS' }).filter((m) => !m.ephemeralTo)).toEqual([]);
    expect(imageOf()).toBe('ghcr.io/acme/api:v1.1.0');
    // The refusal is audited; no request was made.
    const refused = await auditOf('command.refused');
    expect(refused.map((r) => r.details.reason)).toEqual([expect.stringContaining('needs role `sre`')]);
    expect(await h.auditCount()).toBe(before + 2);
    // /ops explain says the same before anyone tries.
    const explained = textOf(await h.run('U0ALICE', '/ops', 'explain me deploy api prod'));
    expect(explained).toContain('emergency path: holders of `sre` may approve their own change');
    expect(explained).toContain('once their own request has waited 10m undecided');
    expect(explained).toContain('<@U0ALICE> does not hold it');
  });

  it('refuses an environment without an emergency path, saying where to set one', async () => {
    const text = (await teamConfigText()).replace(/ {6}emergency:[\s\S]*?review: 24h[^\n]*\n/, '');
    await h.stop();
    h = await startHarness({ backends: world, configText: text });
    const reply = await h.run('U0BOB', '/deploy', 'api prod v1.2.0 --emergency "checkout is down"');
    expect(reply.text).toContain('There is no emergency path in `prod`');
    expect(reply.text).toContain('`environments.prod.approval.emergency`');
  });

  it('is acknowledged by another approver only, re-checked at click time', async () => {
    const msg = await emergencyDeploy();
    await settled(h, msg);
    const review = await reviewIn(msg);
    expect((await h.run('U0CAROL', '/ops', 'reviews')).text).toContain('1 unacknowledged (0 overdue)');

    expect((await acknowledge('U0BOB', review)).text).toContain("can't acknowledge your own emergency change");
    expect((await acknowledge('U0DAVE', review)).text).toContain('Acknowledging needs role `sre`');
    expect((await acknowledge('U0ERIN', review)).text).toContain('Acknowledged');
    const shown = await h.slack.waitFor(() => {
      const now = thread(msg).find((m) => m.ts === review.ts);
      return now?.text.includes('Reviewed: acknowledged by <@U0ERIN>') ? now : undefined;
    });
    expect(JSON.stringify(shown.blocks)).not.toContain('opsdeck.review.acknowledge');
    expect((await acknowledge('U0BOB', review)).text).toContain('Already acknowledged by <@U0ERIN>');
    expect((await h.run('U0CAROL', '/ops', 'reviews')).text).toContain('No emergency changes wait for review');
    expect((await auditOf('review.acknowledged')).map((r) => r.actor)).toEqual(['U0ERIN']);
    expect((await auditOf('review.denied')).map((r) => r.actor).sort()).toEqual(['U0BOB', 'U0DAVE']);
  });

  it('marks a review nobody acknowledged overdue once, with a notice, and lists it first', async () => {
    // A short review window: the emulators in this process simulate every minute the clock jumps over.
    const text = (await teamConfigText()).replace('review: 24h', 'review: 20m');
    await h.stop();
    h = await startHarness({ backends: world, configText: text });
    const msg = await emergencyDeploy();
    await ended(msg);
    await reviewIn(msg);
    expect((await h.run('U0CAROL', '/ops', 'reviews')).text).toContain('1 unacknowledged (0 overdue)');
    clock.jump(21 * MINUTE);
    const notice = await h.slack.waitFor(() => thread(msg).find((m) => m.text.includes('Review overdue')));
    expect(notice.text).toMatch(/<@U0ERIN>.*please review it/);
    // Several sweeps later, still one notice and one audit entry.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(thread(msg).filter((m) => m.text.includes('Review overdue'))).toHaveLength(1);
    expect(await auditOf('review.overdue')).toHaveLength(1);
    const listed = await h.run('U0CAROL', '/ops', 'reviews');
    expect(listed.text).toContain('1 unacknowledged (1 overdue)');
    expect(textOf(listed)).toMatch(/:alarm_clock: \*overdue\* since 2026-11-25 10:31 UTC/);
    // Acknowledged late, it leaves the list.
    const review = await reviewIn(msg);
    expect((await acknowledge('U0ERIN', review)).text).toContain('Acknowledged');
    expect((await h.run('U0CAROL', '/ops', 'reviews')).text).toContain('No emergency changes wait for review');
  });
});

describe('approval reminders', () => {
  it('re-ping the approvers once, halfway to expiry', async () => {
    const msg = await newRequest(h, 'U0ALICE', '/deploy', 'api prod v1.2.0', 'Deploy api to prod');
    expect(hasButtons(msg)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(thread(msg).filter((m) => m.text.includes('still waits for approval'))).toHaveLength(0);
    clock.jump(16 * MINUTE);
    const reminder = await h.slack.waitFor(() => thread(msg).find((m) => m.text.includes('still waits for approval')));
    expect(reminder.text).toMatch(/<@U0BOB>.*<@U0ERIN>.*<!subteam\^S0SRE>/);
    expect(reminder.text).toContain('expires at 2026-11-25 10:30 UTC');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(thread(msg).filter((m) => m.text.includes('still waits for approval'))).toHaveLength(1);
    expect(await auditActions(h, requestIdOf(msg))).toEqual(['deploy.requested', 'approval.reminded']);
  });
});
