import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { defineChange } from '../../../src/core/changes/define-change.ts';
import type { FailureMetrics } from '../../../src/ports/metrics.ts';
import type { Store } from '../../../src/ports/store.ts';
import { changeMachinery } from '../../helpers/change-machinery.ts';
import { pinnedClock, WEEKDAY } from '../../helpers/clock.ts';
import { recordingChat, recordingLogger, replica, tailStart, tempStore } from './tail-fixtures.ts';

/** The store, with every heartbeat after the first (which starts the run) failing like a locked or full disk. */
function failingHeartbeats(store: Store): Store {
  let beats = 0;
  return new Proxy(store, {
    get: (target, key) => {
      if (key === 'heartbeat' || key === 'tailHeartbeat') {
        return async (...args: Parameters<Store['heartbeat']>) => {
          if (++beats > 1) throw new Error('database is locked');
          return key === 'heartbeat' ? target.heartbeat(...args) : target.tailHeartbeat(...args);
        };
      }
      const value = Reflect.get(target, key) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function countingMetrics() {
  const counts = { change: 0, tail: 0 };
  const metrics: FailureMetrics = {
    heartbeatFailed: (kind) => {
      counts[kind] += 1;
    },
  };
  return { metrics, counts };
}

describe('heartbeat failures are logged with context and counted, never swallowed', () => {
  let db: Awaited<ReturnType<typeof tempStore>>;
  beforeEach(async () => {
    db = await tempStore();
  });
  afterEach(async () => {
    await db.close();
  });

  it('of a running change', async () => {
    const log = recordingLogger();
    const { metrics, counts } = countingMetrics();
    let finish: (() => void) | undefined;
    const deploy = defineChange({
      kind: 'deploy',
      concern: 'version',
      params: z.object({}),
      execute: () => new Promise((resolve) => (finish = () => resolve({ ok: true, summary: 'deployed' }))),
    });
    const { flow } = changeMachinery({
      store: failingHeartbeats(db.store),
      chat: recordingChat(),
      clock: pinnedClock(WEEKDAY),
      catalog: { services: { api: {} }, environments: { prod: {} } },
      kinds: [deploy],
      log,
      metrics,
      heartbeatMs: 20,
    });
    const plan = deploy.plan({
      service: 'api',
      env: 'prod',
      title: 'Deploy api to prod',
      headline: 'h',
      fields: [],
      params: {},
    });
    const reply = { ephemeral: async () => {}, inChannel: async () => {} };
    const submission = {
      requester: 'U0BOB',
      channel: 'C1',
      invocationId: 'inv_1',
      reply,
      dryRun: false,
      forced: undefined,
      notify: [],
    };
    const submitted = flow.submit(plan, submission);
    await vi.waitFor(() => expect(counts.change).toBeGreaterThanOrEqual(2), { timeout: 5_000 });
    finish!();
    await submitted;

    const warning = log.lines.find((l) => l.msg.startsWith('change heartbeat failed'));
    expect(warning?.level).toBe('warn');
    expect(warning?.fields).toMatchObject({
      kind: 'deploy',
      service: 'api',
      env: 'prod',
      requestId: expect.stringMatching(/^req_/),
      runner: expect.stringMatching(/^run_/),
    });
    expect((warning?.fields.err as Error | undefined)?.message).toBe('database is locked');
    expect(counts.tail).toBe(0);
  });

  it('of a log tail, which a Stop click still ends', async () => {
    const log = recordingLogger();
    const { metrics, counts } = countingMetrics();
    const { tails, chat } = replica(failingHeartbeats(db.store), { log, metrics });
    const id = await tails.start(tailStart(60_000));
    await vi.waitFor(() => expect(counts.tail).toBeGreaterThanOrEqual(2), { timeout: 5_000 });
    expect(await replica(db.store).tails.stop(id, 'U0ALICE')).toBe(true);
    const stopped = () => chat.posts.some((p) => p.text.includes('stopped by <@U0ALICE>'));
    await vi.waitFor(() => expect(stopped()).toBe(true), { timeout: 5_000 });

    const warning = log.lines.find((l) => l.msg.startsWith('tail heartbeat failed'));
    expect(warning?.fields).toMatchObject({ tail: id, runner: expect.stringMatching(/^run_/), heartbeat: 'tail' });
    expect(counts.change).toBe(0);
  });
});
