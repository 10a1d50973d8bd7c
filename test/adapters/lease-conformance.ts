import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewTail, Store } from '../../src/ports/store.ts';

export interface LeaseFixture {
  store: Store;
  /** Lets `ms` pass on the clock the store judges leases by. */
  pass(ms: number): Promise<void>;
  cleanup(): Promise<void>;
}

/** Short enough for a store judged by a real clock to let it run out within a test. */
const TTL = 300;
const T0 = new Date('2026-11-24T10:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

async function approved(store: Store, id: string, env = 'prod'): Promise<void> {
  await store.createRequest({
    id,
    kind: 'deploy',
    service: 'api',
    env,
    requester: 'U0ALICE',
    channel: 'C0DEPLOYS',
    params: { title: 'Deploy api' },
    hash: 'h',
    createdAt: T0,
  });
  await store.transitionRequest(id, ['pending'], 'approved', undefined, T0);
}

const tail = (id: string): NewTail => ({
  id,
  service: 'api',
  env: 'prod',
  requester: 'U0ALICE',
  channel: 'C0DEPLOYS',
  source: 'pods app=api (prod)',
  runner: 'run_a',
  startedAt: T0,
  until: at(10),
});

/**
 * Every store must fence runs, tails and named leases the same way; each adapter's test file calls this
 * with a factory and a way to let time pass on the clock its leases run on.
 */
export function describeLeaseConformance(name: string, open: () => Promise<LeaseFixture>): void {
  describe(`Lease conformance: ${name}`, () => {
    let fx: LeaseFixture;
    beforeEach(async () => {
      fx = await open();
    });
    afterEach(async () => {
      await fx.cleanup();
    });

    it('gives a run a token and lets another replica take it over only once the lease ran out', async () => {
      await approved(fx.store, 'req_1');
      const mine = await fx.store.startRun('req_1', 'run_a', TTL, at(1));
      expect(mine?.request).toMatchObject({ state: 'running', runner: 'run_a', leaseToken: mine?.token });
      expect(await fx.store.takeOverRun('req_1', 'run_b', TTL, at(1))).toBeUndefined();
      expect(await fx.store.renewRun('req_1', mine!.token, TTL, at(2))).toBe(true);
      await fx.pass(TTL + 100);
      const taken = await fx.store.takeOverRun('req_1', 'run_b', TTL, at(3));
      expect(taken?.token).toBeGreaterThan(mine!.token);
      expect(taken?.request).toMatchObject({ state: 'running', runner: 'run_b' });
      // Only one replica takes a lease over, however many noticed it run out.
      expect(await fx.store.takeOverRun('req_1', 'run_c', TTL, at(3))).toBeUndefined();
      expect(await fx.store.renewRun('req_1', mine!.token, TTL, at(4))).toBe(false);
    });

    it('refuses the outcome of a stale token and keeps it as a late outcome beside the report', async () => {
      await approved(fx.store, 'req_2');
      const mine = await fx.store.startRun('req_2', 'run_a', TTL, at(1));
      await fx.pass(TTL + 100);
      const taken = await fx.store.takeOverRun('req_2', 'run_b', TTL, at(2));
      expect(await fx.store.finishRun('req_2', mine!.token, 'succeeded', { summary: 'done' }, at(3))).toBeUndefined();
      expect(await fx.store.getRequest('req_2')).toMatchObject({ state: 'running', runner: 'run_b' });
      const failed = await fx.store.finishRun('req_2', taken!.token, 'failed', { summary: 'interrupted' }, at(3));
      expect(failed).toMatchObject({ state: 'failed', outcome: { summary: 'interrupted' } });
      expect(await fx.store.finishRun('req_2', taken!.token, 'succeeded', { summary: 'again' }, at(4))).toBeUndefined();
      const late = await fx.store.recordLateOutcome('req_2', { summary: 'done', ok: true }, at(5));
      expect(late).toMatchObject({ state: 'failed', outcome: { summary: 'interrupted' }, lateOutcome: { ok: true } });
      expect(await fx.store.recordLateOutcome('req_2', { summary: 'twice' }, at(6))).toBeUndefined();
      expect(await fx.store.recordLateOutcome('req_nope', { summary: 'x' }, at(6))).toBeUndefined();
    });

    it('lets the holder finish with its token even after its lease ran out, when nobody took it over', async () => {
      await approved(fx.store, 'req_3');
      const mine = await fx.store.startRun('req_3', 'run_a', TTL, at(1));
      await fx.pass(TTL + 100);
      const done = await fx.store.finishRun('req_3', mine!.token, 'succeeded', { summary: 'done' }, at(2));
      expect(done).toMatchObject({ state: 'succeeded' });
      expect(await fx.store.takeOverRun('req_3', 'run_b', TTL, at(3))).toBeUndefined();
    });

    it('keeps a renewed lease alive past its first term', async () => {
      await approved(fx.store, 'req_4');
      const mine = await fx.store.startRun('req_4', 'run_a', TTL, at(1));
      await fx.pass(TTL * 0.6);
      expect(await fx.store.renewRun('req_4', mine!.token, TTL, at(2))).toBe(true);
      await fx.pass(TTL * 0.6);
      expect(await fx.store.takeOverRun('req_4', 'run_b', TTL, at(3))).toBeUndefined();
    });

    it('numbers the leases of one run upwards, however often it changes hands', async () => {
      await approved(fx.store, 'req_5');
      const tokens = [(await fx.store.startRun('req_5', 'run_0', TTL, at(1)))!.token];
      for (let i = 1; i <= 2; i++) {
        await fx.pass(TTL + 100);
        tokens.push((await fx.store.takeOverRun('req_5', `run_${i}`, TTL, at(1 + i)))!.token);
      }
      expect(tokens).toEqual([...tokens].sort((a, b) => a - b));
      expect(new Set(tokens).size).toBe(3);
    });

    it('lists requests left approved by the store clock, not by the stamps replicas send', async () => {
      await approved(fx.store, 'req_idle');
      expect(await fx.store.listRequests({ states: ['approved'], idleForMs: TTL })).toEqual([]);
      await fx.pass(TTL + 100);
      const idle = await fx.store.listRequests({ states: ['approved'], idleForMs: TTL });
      expect(idle.map((r) => r.id)).toEqual(['req_idle']);
    });

    it('fences tails the same way: takeover after expiry, and only the current token ends one', async () => {
      const mine = await fx.store.createTail(tail('tail_1'), TTL);
      expect(await fx.store.takeOverTail('tail_1', 'run_b', TTL, at(1))).toBeUndefined();
      await fx.pass(TTL + 100);
      const taken = await fx.store.takeOverTail('tail_1', 'run_b', TTL, at(2));
      expect(taken).toMatchObject({ runner: 'run_b', state: 'running' });
      expect(taken!.leaseToken).toBeGreaterThan(mine.leaseToken);
      expect(await fx.store.renewTail('tail_1', mine.leaseToken, TTL, at(3))).toBeUndefined();
      const summary = { state: 'ended' as const, summary: 'late' };
      expect(await fx.store.endTail('tail_1', mine.leaseToken, summary, at(3))).toBeUndefined();
      const closed = await fx.store.endTail('tail_1', taken!.leaseToken, { state: 'interrupted', summary: 'x' }, at(3));
      expect(closed).toMatchObject({ state: 'interrupted' });
    });

    it('holds a named lease for one holder at a time, with a higher token for each new one', async () => {
      const first = await fx.store.acquireLease('sweep', 'run_a', TTL);
      expect(first).toBeTypeOf('number');
      expect(await fx.store.acquireLease('sweep', 'run_b', TTL)).toBeUndefined();
      expect(await fx.store.acquireLease('other', 'run_b', TTL)).toBeTypeOf('number');
      expect(await fx.store.renewLease('sweep', first!, TTL)).toBe(true);
      await fx.pass(TTL + 100);
      const second = await fx.store.acquireLease('sweep', 'run_b', TTL);
      expect(second).toBeGreaterThan(first!);
      expect(await fx.store.renewLease('sweep', first!, TTL)).toBe(false);
      // Released, it is free at once: nobody waits for it to run out.
      await fx.store.releaseLease('sweep', first!);
      expect(await fx.store.acquireLease('sweep', 'run_c', TTL)).toBeUndefined();
      await fx.store.releaseLease('sweep', second!);
      expect(await fx.store.renewLease('sweep', second!, TTL)).toBe(false);
      expect(await fx.store.acquireLease('sweep', 'run_c', TTL)).toBeGreaterThan(second!);
    });

    it('lets exactly one of many replicas racing for an expired lease take it', async () => {
      await approved(fx.store, 'req_race');
      await fx.store.startRun('req_race', 'run_a', TTL, at(1));
      await fx.pass(TTL + 100);
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) => fx.store.takeOverRun('req_race', `run_${i}`, TTL, at(2))),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      const sweeps = await Promise.all(
        Array.from({ length: 6 }, (_, i) => fx.store.acquireLease('sweep', `run_${i}`, TTL)),
      );
      expect(sweeps.filter((t) => t !== undefined)).toHaveLength(1);
    });
  });
}
