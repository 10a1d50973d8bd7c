import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyChain } from '../../src/core/audit-chain.ts';
import { type NewRequest, type Store, TargetBusy } from '../../src/ports/store.ts';
import { alertStoreCases } from './alert-store-conformance.ts';
import { reviewStoreCases } from './review-store-conformance.ts';

export interface StoreFixture {
  store: Store;
  /** Runs raw SQL against the backing database, to tamper with rows like an attacker would. */
  tamper(sql: string): Promise<void>;
  cleanup(): Promise<void>;
}

const T0 = new Date('2026-11-24T10:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

function request(id: string, overrides: Partial<NewRequest> = {}): NewRequest {
  return {
    id,
    kind: 'deploy',
    service: 'api',
    env: 'prod',
    requester: 'U0ALICE',
    channel: 'C0DEPLOYS',
    params: { ref: 'v1.2.3', sha: 'a'.repeat(40) },
    hash: 'h1',
    createdAt: T0,
    expiresAt: at(30),
    ...overrides,
  };
}

/** Every Store adapter must pass this suite; each adapter's test file calls it with its own factory. */
export function describeStoreConformance(name: string, open: () => Promise<StoreFixture>): void {
  describe(`Store conformance: ${name}`, () => {
    let fx: StoreFixture;
    beforeEach(async () => {
      fx = await open();
    });
    afterEach(async () => {
      await fx.cleanup();
    });

    it('pings', async () => {
      await expect(fx.store.ping()).resolves.toBeUndefined();
    });

    it('appends a hash chain that verifies, starting from the genesis hash', async () => {
      const first = await fx.store.appendAudit(
        {
          actor: 'U1',
          action: 'command.accepted',
          target: { service: 'api', env: 'prod' },
          requestId: 'inv_1',
          details: { text: '/ops help' },
        },
        at(0),
      );
      const second = await fx.store.appendAudit(
        { actor: 'U2', action: 'command.denied', target: {}, requestId: 'inv_2', details: { reason: 'x' } },
        at(1),
      );
      expect(first.seq).toBe(1);
      expect(first.prevHash).toBe('0'.repeat(64));
      expect(second.seq).toBe(2);
      expect(second.prevHash).toBe(first.hash);
      const verdict = await verifyChain(fx.store.readAudit());
      expect(verdict).toEqual({ ok: true, count: 2, head: { seq: 2, hash: second.hash } });
    });

    it('keeps the chain intact under concurrent appends', async () => {
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          fx.store.appendAudit(
            { actor: `U${i}`, action: 'command.accepted', target: {}, requestId: `inv_${i}`, details: {} },
            at(i),
          ),
        ),
      );
      const verdict = await verifyChain(fx.store.readAudit());
      expect(verdict).toMatchObject({ ok: true, count: 40 });
    });

    it.each([
      ['an edited entry', `UPDATE audit SET actor = 'U0MALLORY' WHERE seq = 2`, 2, /edited/],
      ['a deleted entry', 'DELETE FROM audit WHERE seq = 2', 2, /missing/],
      [
        'swapped contents',
        `UPDATE audit SET details = (SELECT details FROM audit WHERE seq = 3) WHERE seq = 2`,
        2,
        /edited/,
      ],
      ['a replaced tail', `UPDATE audit SET prev_hash = '${'f'.repeat(64)}' WHERE seq = 3`, 3, /link/],
    ])('detects %s and names its sequence number', async (_label, sql, seq, problem) => {
      for (let i = 0; i < 4; i++) {
        await fx.store.appendAudit(
          {
            actor: 'U1',
            action: 'command.accepted',
            target: { service: 'api' },
            requestId: `inv_${i}`,
            details: { i },
          },
          at(i),
        );
      }
      await fx.tamper(sql);
      const verdict = await verifyChain(fx.store.readAudit());
      expect(verdict.ok).toBe(false);
      expect(verdict).toMatchObject({ seq });
      if (!verdict.ok) expect(verdict.problem).toMatch(problem);
    });

    it('queries audit newest first with filters and a seq cursor', async () => {
      const rows: [string, string | undefined, string | undefined, number][] = [
        ['U1', 'api', 'prod', 0],
        ['U2', 'api', 'staging', 10],
        ['U1', 'web', 'prod', 20],
        ['U1', 'api', 'prod', 30],
        ['U3', undefined, undefined, 40],
      ];
      const appended = [];
      for (const [actor, service, env, minute] of rows) {
        appended.push(
          await fx.store.appendAudit(
            { actor, action: 'command.accepted', target: { service, env }, requestId: 'inv', details: {} },
            at(minute),
          ),
        );
      }
      const seqs = async (q: Parameters<Store['queryAudit']>[0]) => (await fx.store.queryAudit(q)).map((r) => r.seq);
      expect(await seqs({ limit: 10 })).toEqual([5, 4, 3, 2, 1]);
      expect(await seqs({ service: 'api', env: 'prod', limit: 10 })).toEqual([4, 1]);
      expect(await seqs({ actor: 'U1', limit: 2 })).toEqual([4, 3]);
      expect(await seqs({ actor: 'U1', beforeSeq: 3, limit: 2 })).toEqual([1]);
      // A store may stamp its own time instead of the caller's: `since` filters on what was stamped.
      const since = new Date(appended[2]!.at);
      const after = appended.filter((r) => new Date(r.at) >= since).map((r) => r.seq);
      expect(after).toContain(3);
      expect(await seqs({ since, limit: 10 })).toEqual(after.reverse());
      const [last] = await fx.store.queryAudit({ limit: 1 });
      expect(last?.target).toEqual({});
    });

    it('stores requests and moves them with compare-and-set', async () => {
      const created = await fx.store.createRequest(request('req_1'));
      expect(created).toMatchObject({ id: 'req_1', state: 'pending', version: 1, params: { ref: 'v1.2.3' } });
      expect(created.expiresAt?.toISOString()).toBe(at(30).toISOString());

      const approved = await fx.store.transitionRequest('req_1', ['pending'], 'approved', undefined, at(1));
      expect(approved).toMatchObject({ state: 'approved', version: 2, updatedAt: at(1) });
      expect(await fx.store.transitionRequest('req_1', ['pending'], 'rejected', undefined, at(2))).toBeUndefined();
      const done = await fx.store.transitionRequest(
        'req_1',
        ['approved'],
        'failed',
        { outcome: { summary: 'not started' } },
        at(3),
      );
      expect(done).toMatchObject({ state: 'failed', outcome: { summary: 'not started' }, updatedAt: at(3) });
      expect(await fx.store.transitionRequest('missing', ['pending'], 'approved', undefined, at(4))).toBeUndefined();
    });

    it('lets exactly one of many concurrent transitions win', async () => {
      await fx.store.createRequest(request('req_race'));
      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          fx.store.transitionRequest('req_race', ['pending'], 'approved', undefined, at(1)),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('runs one change per service and environment: the next one learns which is in the way', async () => {
      for (const [id, env] of [
        ['req_r1', 'prod'],
        ['req_r2', 'prod'],
        ['req_r3', 'staging'],
      ] as const) {
        await fx.store.createRequest(request(id, { env }));
        await fx.store.transitionRequest(id, ['pending'], 'approved', undefined, at(1));
      }
      const first = await fx.store.startRun('req_r1', 'run_a', 60_000, at(2));
      expect(first?.request).toMatchObject({ state: 'running' });
      const refused = fx.store.startRun('req_r2', 'run_a', 60_000, at(3));
      await expect(refused).rejects.toBeInstanceOf(TargetBusy);
      await expect(refused).rejects.toMatchObject({ runningId: 'req_r1', service: 'api', env: 'prod' });
      expect(await fx.store.getRequest('req_r2')).toMatchObject({ state: 'approved', version: 2, updatedAt: at(1) });
      expect((await fx.store.startRun('req_r3', 'run_a', 60_000, at(3)))?.request).toMatchObject({
        state: 'running',
      });
      await fx.store.finishRun('req_r1', first!.token, 'succeeded', { summary: 'done' }, at(4));
      expect((await fx.store.startRun('req_r2', 'run_a', 60_000, at(5)))?.request).toMatchObject({
        state: 'running',
      });
    });

    it('lets exactly one of many changes racing into running on one target start', async () => {
      const ids = Array.from({ length: 8 }, (_, i) => `req_race${i}`);
      for (const id of ids) {
        await fx.store.createRequest(request(id));
        await fx.store.transitionRequest(id, ['pending'], 'approved', undefined, at(1));
      }
      const results = await Promise.allSettled(ids.map((id) => fx.store.startRun(id, 'run_a', 60_000, at(2))));
      const started = results.flatMap((r) => (r.status === 'fulfilled' && r.value ? [r.value.request.id] : []));
      expect(started).toHaveLength(1);
      const refusals = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
      expect(refusals).toHaveLength(ids.length - 1);
      for (const err of refusals) expect(err).toMatchObject({ name: 'TargetBusy', runningId: started[0] });
      expect((await fx.store.listRequests({ states: ['running'] })).map((r) => r.id)).toEqual(started);
    });

    it('records message refs and lists requests by state and target', async () => {
      await fx.store.createRequest(request('req_a'));
      await fx.store.createRequest(request('req_b', { service: 'web', createdAt: at(1) }));
      await fx.store.transitionRequest('req_b', ['pending'], 'cancelled', undefined, at(2));
      await fx.store.setRequestMessage('req_a', { channel: 'C0DEPLOYS', ts: '1.000100' });
      expect((await fx.store.getRequest('req_a'))?.message).toEqual({ channel: 'C0DEPLOYS', ts: '1.000100' });
      expect((await fx.store.listRequests({ states: ['pending'] })).map((r) => r.id)).toEqual(['req_a']);
      expect((await fx.store.listRequests({ service: 'web' })).map((r) => r.id)).toEqual(['req_b']);
      expect(await fx.store.getRequest('nope')).toBeUndefined();
    });

    it('refuses plain transitions into or out of running: a run moves only with its lease', async () => {
      await fx.store.createRequest(request('req_plain'));
      await fx.store.transitionRequest('req_plain', ['pending'], 'approved', undefined, at(1));
      await expect(fx.store.transitionRequest('req_plain', ['approved'], 'running', undefined, at(2))).rejects.toThrow(
        /startRun/,
      );
      const run = await fx.store.startRun('req_plain', 'run_1', 60_000, at(2));
      expect(run?.request).toMatchObject({ state: 'running', runner: 'run_1', renewedAt: at(2) });
      await expect(fx.store.transitionRequest('req_plain', ['running'], 'failed', undefined, at(3))).rejects.toThrow(
        /finishRun/,
      );
      expect(await fx.store.getRequest('req_plain')).toMatchObject({ state: 'running' });
      expect(await fx.store.startRun('req_plain', 'run_2', 60_000, at(3))).toBeUndefined();
    });

    it('counts each approver once', async () => {
      await fx.store.createRequest(request('req_ap'));
      expect(await fx.store.addApproval({ requestId: 'req_ap', approver: 'U0BOB', at: at(1) })).toBe(true);
      expect(await fx.store.addApproval({ requestId: 'req_ap', approver: 'U0BOB', at: at(2) })).toBe(false);
      expect(await fx.store.addApproval({ requestId: 'req_ap', approver: 'U0DAVE', at: at(3) })).toBe(true);
      expect((await fx.store.listApprovals('req_ap')).map((a) => a.approver)).toEqual(['U0BOB', 'U0DAVE']);
      await fx.store.removeApproval('req_ap', 'U0BOB');
      expect((await fx.store.listApprovals('req_ap')).map((a) => a.approver)).toEqual(['U0DAVE']);
    });

    it('lists requests filtered by kind, newest first, and as many as asked', async () => {
      for (const [i, kind] of ['deploy', 'scale', 'deploy', 'rollback', 'deploy'].entries()) {
        await fx.store.createRequest(request(`req_l${i}`, { kind, createdAt: at(i) }));
      }
      const newest = await fx.store.listRequests({ kinds: ['deploy', 'rollback'], newestFirst: true, limit: 2 });
      expect(newest.map((r) => r.id)).toEqual(['req_l4', 'req_l3']);
      expect((await fx.store.listRequests({ kinds: ['deploy'] })).map((r) => r.id)).toEqual([
        'req_l0',
        'req_l2',
        'req_l4',
      ]);
      expect(await fx.store.listRequests({ service: 'api', env: 'prod', limit: 0 })).toEqual([]);
    });

    it('keeps tails as sessions: renewed by the holder, Stop from anywhere, one end', async () => {
      const tail = {
        id: 'tail_1',
        service: 'api',
        env: 'prod',
        requester: 'U0ALICE',
        channel: 'C0DEPLOYS',
        source: 'CloudWatch /ecs/api-prod (prod)',
        runner: 'run_a',
        startedAt: at(0),
        until: at(10),
      };
      const created = await fx.store.createTail(tail, 60_000);
      expect(created).toMatchObject({ ...tail, state: 'running', renewedAt: at(0) });
      const token = created.leaseToken;
      await fx.store.setTailMessage('tail_1', { channel: 'C0DEPLOYS', ts: '1.1' });
      expect(await fx.store.renewTail('tail_1', token + 1, 60_000, at(1))).toBeUndefined();
      expect(await fx.store.renewTail('tail_1', token, 60_000, at(1))).toMatchObject({
        state: 'running',
        renewedAt: at(1),
      });
      expect(await fx.store.requestTailStop('tail_1', 'U0BOB')).toBe(true);
      expect(await fx.store.requestTailStop('tail_1', 'U0CAROL')).toBe(false);
      expect(await fx.store.renewTail('tail_1', token, 60_000, at(2))).toMatchObject({
        state: 'stopping',
        stoppedBy: 'U0BOB',
      });
      expect(await fx.store.listTails({ states: ['running', 'stopping'] })).toHaveLength(1);
      expect(await fx.store.endTail('tail_1', token + 1, { state: 'stopped', summary: 'x' }, at(3))).toBeUndefined();
      const ended = await fx.store.endTail('tail_1', token, { state: 'stopped', summary: '12 lines shown' }, at(3));
      expect(ended).toMatchObject({
        state: 'stopped',
        stoppedBy: 'U0BOB',
        summary: '12 lines shown',
        endedAt: at(3),
        message: { channel: 'C0DEPLOYS', ts: '1.1' },
      });
      expect(await fx.store.endTail('tail_1', token, { state: 'interrupted', summary: 'late' }, at(4))).toBeUndefined();
      expect(await fx.store.renewTail('tail_1', token, 60_000, at(4))).toBeUndefined();
      expect(await fx.store.listTails({ states: ['running', 'stopping'] })).toEqual([]);
    });

    it('claims each Slack delivery once, and forgets claims older than the window', async () => {
      expect(await fx.store.claimDelivery('slack:t1', at(0), at(-900))).toBe(true);
      expect(await fx.store.claimDelivery('slack:t1', at(1), at(-899))).toBe(false);
      expect(await fx.store.claimDelivery('slack:t2', at(1), at(-899))).toBe(true);
      expect(await fx.store.claimDelivery('slack:t1', at(901), at(1))).toBe(true);
    });

    it('holds one lock per service and environment until released or expired', async () => {
      const lock = {
        service: 'api',
        env: 'prod',
        owner: 'U0BOB',
        reason: 'incident',
        createdAt: at(0),
        expiresAt: at(60),
      };
      expect(await fx.store.acquireLock(lock, at(0))).toEqual({ acquired: true, lock });
      const second = await fx.store.acquireLock({ ...lock, owner: 'U0ALICE', reason: 'mine' }, at(1));
      expect(second.acquired).toBe(false);
      expect(second.lock.owner).toBe('U0BOB');
      expect((await fx.store.getLock('api', 'prod', at(1)))?.reason).toBe('incident');
      expect(await fx.store.getLock('api', 'prod', at(61))).toBeUndefined();
      expect((await fx.store.acquireLock({ ...lock, owner: 'U0ALICE', expiresAt: undefined }, at(61))).acquired).toBe(
        true,
      );
      expect((await fx.store.listLocks(at(62))).map((l) => l.owner)).toEqual(['U0ALICE']);
      expect((await fx.store.releaseLock('api', 'prod'))?.owner).toBe('U0ALICE');
      expect(await fx.store.releaseLock('api', 'prod')).toBeUndefined();
      expect(await fx.store.listLocks(at(62))).toEqual([]);
    });

    alertStoreCases(() => fx.store);
    reviewStoreCases(() => fx.store);
  });
}
