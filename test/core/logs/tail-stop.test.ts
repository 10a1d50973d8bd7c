import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SqliteStore } from '../../../src/adapters/store-sqlite/sqlite-store.ts';
import { recordingChat, replica, tailStart, tempStore } from './tail-fixtures.ts';

describe('a Stop click keeps the closing summary of a follow', () => {
  let db: Awaited<ReturnType<typeof tempStore>>;
  let store: SqliteStore;
  beforeEach(async () => {
    db = await tempStore();
    store = db.store;
  });
  afterEach(async () => {
    await db.close();
  });

  it.each([
    { clicked: 'on the replica running the tail', sameReplica: true },
    { clicked: 'on another replica', sameReplica: false },
  ])('stores and audits the summary when Stop is clicked $clicked', async ({ sameReplica }) => {
    const chat = recordingChat();
    const owner = replica(store, { chat });
    const other = sameReplica ? owner : replica(store);
    const id = await owner.tails.start(tailStart(60_000));
    const linesPosted = () => chat.posts.filter((p) => p.text.endsWith('log lines')).length;
    await vi.waitFor(() => expect(linesPosted()).toBeGreaterThan(0), { timeout: 5_000 });

    expect(await other.tails.stop(id, 'U0ALICE')).toBe(true);
    const closing = await vi.waitFor(
      () => {
        const post = chat.posts.find((p) => p.text.startsWith('<@U0BOB> Tail of'));
        if (!post) throw new Error('no closing summary yet');
        return post;
      },
      { timeout: 5_000 },
    );

    const summary = closing.text.slice('<@U0BOB> '.length);
    expect(summary).toMatch(
      /^Tail of CloudWatch \/ecs\/api-prod \(prod\) stopped by <@U0ALICE> after \d+s: \d+ lines shown\.$/,
    );
    // In the thread of the tail's message, the first post.
    expect(closing.thread).toBe('1.1');
    // Stored and audited as plain text: the same words, the person by id instead of in Slack's markup.
    const recorded = summary.replace('<@U0ALICE>', '@U0ALICE');
    expect(await store.getTail(id)).toMatchObject({ state: 'stopped', stoppedBy: 'U0ALICE', summary: recorded });
    const audit = (await store.queryAudit({ limit: 100 })).filter(
      (r) => r.requestId === id && r.action === 'logs.follow.stopped',
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]!.details).toMatchObject({ summary: recorded, by: 'U0ALICE', end: 'stopped' });
    // A second click finds it ended.
    expect(await other.tails.stop(id, 'U0CAROL')).toBe(false);
  });

  it('keeps the summary of a tail that ended by itself', async () => {
    const { tails, chat } = replica(store);
    const id = await tails.start(tailStart(1_000));
    await vi.waitFor(() => expect(chat.posts.some((p) => p.text.includes('reached its'))).toBe(true), {
      timeout: 5_000,
    });
    expect(await store.getTail(id)).toMatchObject({
      state: 'ended',
      summary: expect.stringContaining('reached its 1s limit'),
    });
  });
});
