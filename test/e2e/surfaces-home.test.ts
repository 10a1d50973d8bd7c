import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBackends, type Backends } from '../helpers/backends.ts';
import { type PinnedClock, pinnedClock, WEEKDAY } from '../helpers/clock.ts';
import { startHarness, teamConfigText, type Harness } from '../helpers/harness.ts';
import { auditActions, click, hasButtons, newRequest, requestIdOf, settled } from '../helpers/requests.ts';

let clock: PinnedClock;
let world: Backends;
let h: Harness;

beforeEach(async () => {
  clock = pinnedClock(WEEKDAY);
  world = await startBackends(clock);
  h = await startHarness({ backends: world, configText: await teamConfigText(), tuning: { homeCoalesceMs: 10 } });
});
afterEach(async () => {
  await h?.stop();
  await world?.close();
});

const homeText = (user: string) => JSON.stringify(h.slack.home(user)?.view.blocks ?? []);

/** Opens the App Home tab as `user` and waits for the bot to publish it. */
async function openHome(user: string): Promise<string> {
  const before = h.slack.home(user)?.hash;
  const res = await h.slack.openHome(user);
  expect(res.status).toBe(200);
  await h.slack.waitFor(() => h.slack.home(user) && h.slack.home(user)?.hash !== before);
  return homeText(user);
}

describe('App Home', () => {
  it('shows each person only the services and environments their roles let them act on', async () => {
    const bob = await openHome('U0BOB');
    const carol = await openHome('U0CAROL');
    expect(bob).toContain('api · prod');
    expect(bob).toContain('api · staging');
    expect(bob).toContain('v1.1.0');
    expect(bob).toContain('ready');
    // carol (viewer) reads staging logs only: no prod, and only the logs verb.
    expect(carol).toContain('api · staging');
    expect(carol).not.toContain('· prod');
    expect(carol).toContain('`logs`');
    expect(carol).not.toContain('`deploy`');
    expect(carol.length).toBeLessThan(bob.length);
  });

  it("lists requests awaiting the viewer's approval, refreshes, and approves from home as in the channel", async () => {
    await openHome('U0BOB');
    await openHome('U0ALICE');
    const msg = await newRequest(h, 'U0ALICE', '/deploy', 'api prod v1.2.0', 'Deploy api to prod');
    await h.slack.waitFor(() => homeText('U0BOB').includes('Waiting for your approval'));
    expect(homeText('U0BOB')).toContain(requestIdOf(msg));
    // alice asked for it herself: her home has no approve button for it.
    expect(homeText('U0ALICE')).not.toContain('Waiting for your approval');
    // carol holds no approving role: her home never lists it.
    expect(await openHome('U0CAROL')).not.toContain(requestIdOf(msg));

    const res = await h.slack.sendViewAction({ user: 'U0BOB', surface: 'home', actionId: 'opsdeck.request.approve' });
    expect(res.status).toBe(200);
    const done = await settled(h, msg);
    expect(done.text).toContain(':white_check_mark:');
    expect(await auditActions(h, requestIdOf(msg))).toContain('approval.granted');
    await h.slack.waitFor(() => !homeText('U0BOB').includes('Waiting for your approval'));
    await h.slack.waitFor(() => homeText('U0BOB').includes('Last change'));
  });

  it('checks again at click time: Approve on a stale home is refused, and said in a direct message', async () => {
    // Homes refresh only when opened here, so erin's keeps showing the request after it is cancelled.
    await h.stop();
    h = await startHarness({
      backends: world,
      configText: await teamConfigText(),
      tuning: { homeCoalesceMs: 600_000 },
    });
    const msg = await newRequest(h, 'U0ALICE', '/deploy', 'api prod v1.2.0', 'Deploy api to prod');
    expect(await openHome('U0ERIN')).toContain(requestIdOf(msg));
    await click(h, 'U0ALICE', msg, 'cancel');
    await settled(h, msg);
    const res = await h.slack.sendViewAction({ user: 'U0ERIN', surface: 'home', actionId: 'opsdeck.request.approve' });
    expect(res.status).toBe(200);
    const answer = await h.slack.waitFor(() =>
      h.slack.messages({ channel: 'D0ERIN' }).find((m) => m.text.includes('already cancelled')),
    );
    expect(answer.user).toBe('U0OPSDECK');
    expect(await auditActions(h, requestIdOf(msg))).not.toContain('approval.granted');
  });
});

describe('follows in App Home', () => {
  it("lists the viewer's running follow and stops it from there", async () => {
    await openHome('U0BOB');
    await h.slack.sendSlashCommand({
      user: 'U0BOB',
      channel: 'C0DEPLOYS',
      command: '/logs',
      text: 'api prod --follow --for 5m',
    });
    const parent = await h.slack.waitFor(() =>
      h.slack.messages({ channel: 'C0DEPLOYS' }).find((m) => m.text.includes('Following logs of *api* in *prod*')),
    );
    await h.slack.waitFor(() => homeText('U0BOB').includes('Your live log follows'));
    expect(await openHome('U0ALICE')).not.toContain('Your live log follows');
    await h.slack.sendViewAction({ user: 'U0BOB', surface: 'home', actionId: 'opsdeck.logs.stop' });
    await h.slack.waitFor(
      () =>
        h.slack
          .messages({ channel: 'C0DEPLOYS', threadTs: parent.ts })
          .find((m) => m.text.includes('stopped by <@U0BOB>')),
      { timeoutMs: 10_000 },
    );
    await h.slack.waitFor(() => !homeText('U0BOB').includes('Your live log follows'));
  });
});

describe('emergency reviews in App Home', () => {
  it("lists another approver's emergency change to acknowledge, never the requester's own", async () => {
    await newRequest(h, 'U0BOB', '/deploy', 'api prod v1.2.0', 'Deploy api to prod');
    clock.jump(11 * 60_000);
    const msg = await newRequest(
      h,
      'U0BOB',
      '/deploy',
      'api prod v1.2.0 --emergency "checkout is down"',
      'Deploy api to prod',
    );
    await settled(h, msg);
    const erin = await openHome('U0ERIN');
    expect(erin).toContain('Emergency changes to review (1)');
    expect(erin).toContain('checkout is down');
    expect(await openHome('U0BOB')).not.toContain('Emergency changes to review');
    expect(await openHome('U0ALICE')).not.toContain('Emergency changes to review');

    await h.slack.sendViewAction({ user: 'U0ERIN', surface: 'home', actionId: 'opsdeck.review.acknowledge' });
    await h.slack.waitFor(() => !homeText('U0ERIN').includes('Emergency changes to review'));
    expect(await auditActions(h, requestIdOf(msg))).toContain('review.acknowledged');
  });
});

describe('Reject', () => {
  it('asks for a reason in a modal and shows it on the request and in the audit log', async () => {
    const msg = await newRequest(h, 'U0ALICE', '/deploy', 'api prod v1.2.0', 'Deploy api to prod');
    await h.slack.sendBlockAction({
      user: 'U0BOB',
      channel: 'C0DEPLOYS',
      messageTs: msg.ts,
      actionId: 'opsdeck.request.reject',
    });
    const modal = await h.slack.waitFor(() => h.slack.modal('U0BOB'));
    expect(modal.callbackId).toBe('opsdeck.reject');
    // Nothing is decided until the reason is given.
    expect(hasButtons(h.slack.messages().find((m) => m.ts === msg.ts)!)).toBe(true);
    await h.slack.submitView({ user: 'U0BOB', values: { reason: 'not during the <incident>' } });
    const done = await settled(h, msg);
    expect(done.text).toContain(':no_entry: Rejected by <@U0BOB>: not during the &lt;incident&gt;');
    expect(h.slack.modal('U0BOB')).toBeUndefined();
    const store = h.openStore();
    try {
      const entries = await store.queryAudit({ limit: 50 });
      const rejected = entries.find((e) => e.action === 'approval.rejected');
      expect(rejected?.details.reason).toBe('not during the <incident>');
    } finally {
      await store.close();
    }
  });
});
