import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FailureMetrics, LeaseKind } from '../../../src/ports/metrics.ts';
import type { Store } from '../../../src/ports/store.ts';
import { recordingChat, recordingLogger, replica, tailStart, tempStore } from './tail-fixtures.ts';

/** The store, with every tail renewal failing like a locked or full disk. */
function failingRenewals(store: Store): Store {
  return new Proxy(store, {
    get: (target, key) => {
      if (key === 'renewTail') return async () => Promise.reject(new Error('database is locked'));
      const value = Reflect.get(target, key) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function countingMetrics() {
  const counts: Record<LeaseKind, number> = { change: 0, tail: 0, sweep: 0 };
  const metrics: FailureMetrics = {
    leaseLost: (kind) => {
      counts[kind] += 1;
    },
  };
  return { metrics, counts };
}

describe('a log tail whose lease cannot be renewed', () => {
  let db: Awaited<ReturnType<typeof tempStore>>;
  beforeEach(async () => {
    db = await tempStore();
  });
  afterEach(async () => {
    await db.close();
  });

  it('logs each failure with its context, counts the lease lost once, and still ends on a Stop click', async () => {
    const log = recordingLogger();
    const { metrics, counts } = countingMetrics();
    const { tails, chat } = replica(failingRenewals(db.store), { log, metrics });
    const id = await tails.start(tailStart(60_000));
    await vi.waitFor(() => expect(counts.tail).toBe(1), { timeout: 5_000 });
    expect(await replica(db.store).tails.stop(id, 'U0ALICE')).toBe(true);
    const stopped = () => chat.posts.some((p) => p.text.includes('stopped by <@U0ALICE>'));
    await vi.waitFor(() => expect(stopped()).toBe(true), { timeout: 5_000 });

    const warning = log.lines.find((l) => l.msg.startsWith('could not renew the lease of a log tail'));
    expect(warning?.fields).toMatchObject({ tail: id, runner: expect.stringMatching(/^run_/), token: 1 });
    expect((warning?.fields.err as Error | undefined)?.message).toBe('database is locked');
    expect(log.lines.filter((l) => l.msg.startsWith('tail lease lost'))).toHaveLength(1);
    expect(counts).toMatchObject({ tail: 1, change: 0 });
    // Nobody took it over, so its own summary is what the store keeps.
    expect(await db.store.getTail(id)).toMatchObject({ state: 'stopped' });
  });
});

describe('a log tail whose first post waits behind a busy channel', () => {
  let db: Awaited<ReturnType<typeof tempStore>>;
  beforeEach(async () => {
    db = await tempStore();
  });
  afterEach(async () => {
    await db.close();
  });

  it('keeps its lease while it waits: another replica sweeping all along takes nothing over', async () => {
    const chat = recordingChat();
    let release: () => void = () => undefined;
    const slowFirst = new Promise<void>((resolve) => {
      release = resolve;
    });
    const post = chat.post;
    chat.post = async (...args) => {
      if (!chat.posts.length) await slowFirst;
      return post(...args);
    };
    const { tails } = replica(db.store, { chat });
    const sweeper = replica(db.store);
    const id = await tails.start(tailStart(60_000));
    // Ten lease terms (60 ms each) with the tail's first post held back, swept every half term.
    let recovered = 0;
    for (let i = 0; i < 20; i++) {
      recovered += await sweeper.tails.recoverInterrupted();
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    release();
    const linesPosted = () => chat.posts.some((p) => p.text.endsWith('log lines'));
    await vi.waitFor(() => expect(linesPosted()).toBe(true), { timeout: 5_000 });
    expect(recovered).toBe(0);
    expect(await db.store.getTail(id)).toMatchObject({ state: 'running' });
    await tails.stopAll();
  });
});
