import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SqliteStore } from '../../src/adapters/store-sqlite/sqlite-store.ts';
import { AuditLog } from '../../src/core/audit-log.ts';
import { createRedactor } from '../../src/core/redact.ts';
import { TailManager } from '../../src/core/logs/tail-manager.ts';
import type { Message } from '../../src/core/message.ts';
import { toMrkdwn } from '../../src/slack/mrkdwn.ts';
import type { Logger } from '../../src/ports/logger.ts';
import type { LogSource } from '../../src/ports/logs.ts';
import { ManualClock, WEEKDAY } from '../helpers/clock.ts';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
const at = (ms: number) => new Date(WEEKDAY.getTime() + ms);

/** A source with nothing to say: it follows until the tail aborts it. */
const quiet: LogSource = {
  describe: () => 'CloudWatch /ecs/api (prod)',
  snapshot: async () => ({ events: [], olderLeftOut: false }),
  follow: (_query, signal) =>
    new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true })),
};

describe('TailManager on its clock', () => {
  let dir: string;
  let store: SqliteStore;
  let clock: ManualClock;
  let posts: string[];
  let tails: TailManager;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'opsdeck-tail-'));
    clock = new ManualClock(WEEKDAY);
    store = SqliteStore.open(join(dir, 'db'), clock);
    posts = [];
    const chat = {
      post: async (_channel: string, m: Message) => ({ ts: `1.${posts.push(toMrkdwn(m.text))}` }),
      update: async () => {},
      upload: async () => {},
    };
    const redactor = createRedactor();
    tails = new TailManager({
      tails: store,
      chat,
      clock,
      log: silent,
      audit: new AuditLog({ store, clock, redactor, log: silent }),
      redactor,
      leaseMs: 30_000,
    });
  });
  afterEach(async () => {
    await tails.stopAll();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const start = (durationMs: number) =>
    tails.start({
      source: quiet,
      query: { target: { service: 'api', env: 'prod' }, since: at(-60_000) },
      requester: 'U0BOB',
      channel: 'C1',
      durationMs,
      lineBudget: 100,
    });
  const summary = () =>
    vi.waitFor(() => {
      const last = posts.find((p) => p.includes('Tail of'));
      expect(last).toBeDefined();
      return last!;
    });

  it('renews its lease every third of its term on its clock, and only then', async () => {
    const id = await start(30 * 60_000);
    await vi.waitFor(async () => expect((await store.getTail(id))?.leaseExpiresAt).toEqual(at(30_000)));
    await clock.advance(9_999);
    expect((await store.getTail(id))?.renewedAt).toEqual(at(0));
    await clock.advance(1);
    expect(await store.getTail(id)).toMatchObject({ renewedAt: at(10_000), leaseExpiresAt: at(40_000) });
    await clock.advance(20_000);
    expect((await store.getTail(id))?.renewedAt).toEqual(at(30_000));
  });

  it('takes over and reports a tail whose replica stopped once its lease ran out, and not before', async () => {
    const dead = { service: 'api', env: 'prod', requester: 'U0BOB', channel: 'C1', source: 'pods', runner: 'run_gone' };
    const tail = await store.createTail({ ...dead, id: 'tail_gone', startedAt: at(0), until: at(600_000) }, 30_000);
    await store.setTailMessage(tail.id, { channel: 'C1', ts: '1.0' });
    await clock.advance(29_999);
    expect(await tails.recoverInterrupted()).toBe(0);
    await clock.advance(1);
    expect(await tails.recoverInterrupted()).toBe(1);
    expect(await store.getTail(tail.id)).toMatchObject({ state: 'interrupted', leaseToken: tail.leaseToken + 1 });
    expect(posts.at(-1)).toContain('the opsdeck replica running it stopped');
    expect((await store.queryAudit({ limit: 1 }))[0]).toMatchObject({ action: 'logs.follow.interrupted' });
    expect(await tails.recoverInterrupted()).toBe(0);
  });

  it('ends when its time is up on its clock, and says how long it ran', async () => {
    const id = await start(60_000);
    await vi.waitFor(() => expect(clock.sleeping).toBe(2));
    await clock.advance(59_999);
    expect((await store.getTail(id))?.state).toBe('running');
    await clock.advance(1);
    expect(await summary()).toContain('reached its 1m limit after 1m');
    await vi.waitFor(async () =>
      expect(await store.getTail(id)).toMatchObject({ state: 'ended', endedAt: at(60_000) }),
    );
    expect(clock.sleeping).toBe(0);
  });

  it('notices a Stop recorded by another replica at its next renewal', async () => {
    const id = await start(30 * 60_000);
    await vi.waitFor(() => expect(clock.sleeping).toBe(2));
    await store.requestTailStop(id, 'U0ALICE');
    await clock.advance(10_000);
    expect(await summary()).toContain('stopped by <@U0ALICE> after 10s');
  });
});
