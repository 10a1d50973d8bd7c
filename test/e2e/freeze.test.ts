import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBackends, type Backends } from '../helpers/backends.ts';
import { pinnedClock, WEEKDAY, type PinnedClock } from '../helpers/clock.ts';
import { startHarness, teamConfigText, textOf, type Harness } from '../helpers/harness.ts';
import {
  auditActions,
  click,
  hasButtons,
  newRequest,
  nextEphemeral,
  requestIdOf,
  requestIn,
  settled,
} from '../helpers/requests.ts';

// 17:59 in Berlin: a minute before opsdeck.example.yaml's `weekend` freeze on prod starts.
const FRIDAY_1759_BERLIN = new Date('2026-11-27T16:59:00Z');
const TWO_MINUTES = 2 * 60_000;
const FREEZE = '`prod` is in the `weekend` change freeze until 2026-11-30 07:00 UTC';

// The same steps on two pinned clocks; each test moves its clock two minutes on before it acts (or clicks):
// across the start of the freeze in one row, within a weekday in the other. The real date plays no part.
describe.each([
  { when: 'on a weekday', start: WEEKDAY, frozen: false },
  { when: 'once the weekend freeze has started', start: FRIDAY_1759_BERLIN, frozen: true },
])('prod changes $when', ({ start, frozen }) => {
  let clock: PinnedClock;
  let world: Backends;
  let h: Harness;
  const imageOf = (env: 'staging' | 'prod') =>
    world.clusters[env].getDeployment('api', 'api')?.spec.template.spec.containers[0]?.image;

  beforeEach(async () => {
    clock = pinnedClock(start);
    world = await startBackends(clock);
    h = await startHarness({ backends: world, configText: await teamConfigText() });
  });
  afterEach(async () => {
    await h?.stop();
    await world?.close();
  });

  it(
    frozen ? 'refuses a prod deploy and names the freeze and its end' : 'asks for approval of a prod deploy',
    async () => {
      clock.jump(TWO_MINUTES);
      if (frozen) {
        const reply = await h.run('U0ALICE', '/deploy', 'api prod v1.2.0');
        expect(reply.text).toContain(FREEZE);
        expect(reply.text).toContain('--force');
        expect(requestIn(h.slack, 'Deploy api to prod')).toBeUndefined();
      } else {
        const msg = await newRequest(h, 'U0ALICE', '/deploy', 'api prod v1.2.0', 'Deploy api to prod');
        expect(hasButtons(msg)).toBe(true);
        expect(textOf(msg)).not.toContain('BREAK-GLASS');
      }
      expect(imageOf('prod')).toBe('ghcr.io/acme/api:v1.1.0');
    },
  );

  it(
    frozen
      ? 'lets --force through for a break-glass holder, flagged, and refuses it to others'
      : 'takes --force as a plain request, since nothing needs passing',
    async () => {
      clock.jump(TWO_MINUTES);
      if (frozen) {
        expect((await h.run('U0ALICE', '/deploy', 'api prod v1.0.0 --force')).text).toContain(
          '`--force` needs the `breakglass` permission',
        );
      } else {
        expect(
          textOf(await newRequest(h, 'U0ALICE', '/deploy', 'api prod v1.0.0 --force', 'Deploy api to prod')),
        ).not.toContain('BREAK-GLASS');
      }

      const msg = await newRequest(
        h,
        'U0ERIN',
        '/deploy',
        'api prod v1.2.0 --force --reason "hotfix"',
        'Deploy api to prod',
      );
      expect(textOf(msg).includes('BREAK-GLASS')).toBe(frozen);
      expect(await click(h, 'U0BOB', msg, 'approve')).toBe(200);
      expect((await settled(h, msg)).text).toContain(':white_check_mark:');
      expect(imageOf('prod')).toBe('ghcr.io/acme/api:v1.2.0');
      const flagged = frozen ? ['breakglass.used'] : [];
      expect(await auditActions(h, requestIdOf(msg))).toEqual([
        'deploy.requested',
        ...flagged,
        'approval.granted',
        'deploy.started',
        'deploy.succeeded',
      ]);
    },
  );

  it(
    frozen
      ? 'refuses, at click time, to approve a request made before the freeze'
      : 'approves a pending request at click time',
    async () => {
      const msg = await newRequest(h, 'U0ALICE', '/deploy', 'api prod v1.2.0', 'Deploy api to prod');
      clock.jump(TWO_MINUTES);
      if (frozen) {
        const refused = await nextEphemeral(h, 'U0BOB', () => click(h, 'U0BOB', msg, 'approve'));
        expect(refused.text).toContain(`Not approved: ${FREEZE}`);
        const store = h.openStore();
        expect((await store.getRequest(requestIdOf(msg)))?.state).toBe('pending');
        await store.close();
        expect(imageOf('prod')).toBe('ghcr.io/acme/api:v1.1.0');
      } else {
        await click(h, 'U0BOB', msg, 'approve');
        expect((await settled(h, msg)).text).toContain(':white_check_mark:');
        expect(imageOf('prod')).toBe('ghcr.io/acme/api:v1.2.0');
      }
    },
  );

  it('changes staging straight away', async () => {
    clock.jump(TWO_MINUTES);
    const done = await settled(
      h,
      await newRequest(h, 'U0ALICE', '/deploy', 'api staging v1.2.0', 'Deploy api to staging'),
    );
    expect(done.text).toContain(':white_check_mark:');
    expect(textOf(done)).not.toContain('BREAK-GLASS');
    expect(imageOf('staging')).toBe('ghcr.io/acme/api:v1.2.0');
  });
});
