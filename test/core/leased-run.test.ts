import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SqliteStore } from '../../src/adapters/store-sqlite/sqlite-store.ts';
import { defineChange } from '../../src/core/changes/define-change.ts';
import { outcomeSummary } from '../../src/core/changes/request-envelope.ts';
import type { FailureMetrics, LeaseKind } from '../../src/ports/metrics.ts';
import type { Store } from '../../src/ports/store.ts';
import { toMrkdwn } from '../../src/slack/mrkdwn.ts';
import { changeMachinery } from '../helpers/change-machinery.ts';
import { ManualClock } from '../helpers/clock.ts';
import { recordingChat, recordingLogger } from './logs/tail-fixtures.ts';

const LEASE = 30_000;
const catalog = { services: { api: {} }, environments: { prod: {} } };

/** The store with `method` failing its next `times` calls, as when a connection drops mid-write. */
function failing(store: Store, method: 'finishRun', times: number): Store {
  let left = times;
  return new Proxy(store, {
    get: (target, key) => {
      if (key === method) {
        return async (...args: Parameters<Store['finishRun']>) => {
          if (left-- > 0) throw new Error('connection terminated unexpectedly');
          return target.finishRun(...args);
        };
      }
      const value = Reflect.get(target, key) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** The store as a replica cut off from it sees it: renewals fail while `cut` is on; the rest works. */
function cuttable(store: Store): { store: Store; cut: { on: boolean } } {
  const cut = { on: false };
  const wrapped = new Proxy(store, {
    get: (target, key) => {
      if (key === 'renewRun') {
        return async (...args: Parameters<Store['renewRun']>) => {
          if (cut.on) throw new Error('connection terminated unexpectedly');
          return target.renewRun(...args);
        };
      }
      const value = Reflect.get(target, key) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store: wrapped, cut };
}

describe('a change running under a lease', () => {
  let dir: string;
  let clock: ManualClock;
  let store: SqliteStore;
  let finish: ((ok: boolean) => void) | undefined;
  const counts: Record<LeaseKind, number> = { change: 0, tail: 0, sweep: 0 };
  const metrics: FailureMetrics = {
    leaseLost: (kind) => {
      counts[kind] += 1;
    },
  };
  const deploy = defineChange({
    kind: 'deploy',
    concern: 'version',
    params: z.object({}),
    readBasis: async () => 'ghcr.io/acme/api:v1.4.2',
    execute: () =>
      new Promise((resolve) => {
        finish = (ok) => resolve({ ok, summary: ok ? 'Rolled out v1.4.2.' : 'Rollout failed.' });
      }),
  });
  const plan = deploy.plan({
    service: 'api',
    env: 'prod',
    title: 'Deploy api to prod',
    headline: 'h',
    fields: [],
    params: {},
  });
  const submission = {
    requester: 'U0BOB',
    channel: 'C1',
    invocationId: 'inv_1',
    reply: { ephemeral: async () => {}, inChannel: async () => {} },
    dryRun: false,
    forced: undefined,
    notify: [],
  };
  const replicaOn = (s: Store, runner: string) => {
    const chat = recordingChat();
    const log = recordingLogger();
    const machinery = changeMachinery({
      store: s,
      chat,
      clock,
      catalog,
      kinds: [deploy],
      log,
      metrics,
      runner,
      leaseMs: LEASE,
    });
    return { ...machinery, chat, log };
  };
  const started = async () => {
    while (!finish) await new Promise((r) => setImmediate(r));
    const [running] = await store.listRequests({ states: ['running'] });
    return running!;
  };
  const actions = async (id: string) =>
    (await store.queryAudit({ limit: 100 }))
      .filter((r) => r.requestId === id)
      .map((r) => r.action)
      .reverse();

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'opsdeck-lease-'));
    clock = new ManualClock('2026-11-24T10:00:00Z');
    store = SqliteStore.open(join(dir, 'db'), clock);
    finish = undefined;
    Object.assign(counts, { change: 0, tail: 0, sweep: 0 });
  });
  afterEach(async () => {
    finish?.(false);
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('goes on when its lease cannot be renewed, and its outcome still reaches the store and the audit', async () => {
    const { store: cutStore, cut } = cuttable(store);
    const a = replicaOn(cutStore, 'run_a');
    const submitted = a.flow.submit(plan, submission);
    const running = await started();
    cut.on = true;
    await clock.advance(LEASE - 1);
    expect(counts.change).toBe(0);
    await clock.advance(1);
    expect(counts.change).toBe(1);
    const warning = a.log.lines.find((l) => l.msg.startsWith('could not renew the lease of a running change'));
    expect(warning?.fields).toMatchObject({ requestId: running.id, runner: 'run_a', token: running.leaseToken });
    expect(a.log.lines.find((l) => l.msg.startsWith('change lease lost'))?.level).toBe('warn');
    // Nobody took it over: the token is still the current one, so the outcome is the request's.
    finish!(true);
    await submitted;
    expect(await store.getRequest(running.id)).toMatchObject({ state: 'succeeded', lateOutcome: undefined });
    expect(await actions(running.id)).toEqual(['deploy.requested', 'deploy.started', 'deploy.succeeded']);
    expect(a.chat.posts.at(-1)?.text).toContain('done: Rolled out v1.4.2.');
  });

  it('keeps the outcome of a run taken over by another replica beside its report, audits it and says so', async () => {
    const { store: cutStore, cut } = cuttable(store);
    const a = replicaOn(cutStore, 'run_a');
    const b = replicaOn(store, 'run_b');
    const submitted = a.flow.submit(plan, submission);
    const running = await started();
    cut.on = true;
    await clock.advance(LEASE - 1);
    expect(await b.recover()).toBe(0);
    await clock.advance(1);
    expect(await b.recover()).toBe(1);
    const reported = await store.getRequest(running.id);
    expect(reported).toMatchObject({ state: 'failed', runner: 'run_b' });
    expect(toMrkdwn(outcomeSummary(reported!) ?? '')).toContain(
      'Interrupted: the replica running this stopped. Running now: `ghcr.io/acme/api:v1.4.2`.',
    );
    expect(b.chat.posts.at(-1)?.text).toContain('Running now: `ghcr.io/acme/api:v1.4.2`');

    finish!(true);
    await submitted;
    const after = await store.getRequest(running.id);
    expect(after).toMatchObject({ state: 'failed', lateOutcome: { ok: true } });
    expect(toMrkdwn(outcomeSummary(after!) ?? '')).toContain('Interrupted');
    expect(await actions(running.id)).toEqual([
      'deploy.requested',
      'deploy.started',
      'deploy.interrupted',
      'deploy.finished-after-takeover',
    ]);
    const [late] = await store.queryAudit({ limit: 1 });
    expect(late?.details).toMatchObject({ ok: true, summary: 'Rolled out v1.4.2.', token: running.leaseToken });
    const told = a.chat.posts.find((p) => p.text.includes('after another opsdeck replica had taken it over'));
    expect(told?.text).toContain(
      'This change succeeded after another opsdeck replica had taken it over and reported it: Rolled out v1.4.2.',
    );
    expect(a.chat.posts.some((p) => p.text.includes('done:'))).toBe(false);
    expect(counts.change).toBe(1);
  });

  it('is left alone by the replica running it, even when its own lease ran out', async () => {
    const { store: cutStore, cut } = cuttable(store);
    const a = replicaOn(cutStore, 'run_a');
    const submitted = a.flow.submit(plan, submission);
    const running = await started();
    cut.on = true;
    await clock.advance(LEASE);
    expect(await a.recover()).toBe(0);
    finish!(false);
    await submitted;
    expect(await store.getRequest(running.id)).toMatchObject({ state: 'failed', runner: 'run_a' });
  });

  it('says in the thread when its outcome could not be written, instead of announcing it done', async () => {
    const a = replicaOn(failing(store, 'finishRun', Number.MAX_SAFE_INTEGER), 'run_a');
    const submitted = a.flow.submit(plan, submission);
    const running = await started();
    finish!(true);
    while (a.log.lines.every((l) => !l.msg.startsWith('could not record the outcome of a change;'))) {
      await clock.advance(LEASE);
    }
    await submitted;
    const told = a.chat.posts.at(-1)?.text ?? '';
    expect(told).toContain('This change succeeded: Rolled out v1.4.2. opsdeck could not write this outcome');
    expect(a.chat.posts.some((p) => p.text.includes('done:'))).toBe(false);
    expect(await store.getRequest(running.id)).toMatchObject({ state: 'running' });
  });

  it('reports a change again when its first report could not be written, on the replica that took it', async () => {
    const { store: cutStore, cut } = cuttable(store);
    const a = replicaOn(cutStore, 'run_a');
    const b = replicaOn(failing(store, 'finishRun', 1), 'run_b');
    const submitted = a.flow.submit(plan, submission);
    const running = await started();
    cut.on = true;
    await clock.advance(LEASE);
    await expect(b.recover()).rejects.toThrow('connection terminated unexpectedly');
    expect(await store.getRequest(running.id)).toMatchObject({ state: 'running', runner: 'run_b' });
    // The takeover's own lease runs out; the same replica takes the change over again and reports it.
    await clock.advance(LEASE);
    expect(await b.recover()).toBe(1);
    expect(await store.getRequest(running.id)).toMatchObject({ state: 'failed', runner: 'run_b' });
    finish!(true);
    await submitted;
  });
});
