import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { SharedLimits } from '../../src/adapters/rate-limits/index.ts';
import { openRedisLink } from '../../src/adapters/rate-limits/redis-link.ts';
import type { Message } from '../../src/core/message.ts';
import type { Chat } from '../../src/ports/chat.ts';
import { toMrkdwn } from '../../src/slack/mrkdwn.ts';
import { RateLimitedChat } from '../../src/slack/rate-limited-chat.ts';
import { eventually } from '../helpers/eventually.ts';
import { recordingLog } from '../helpers/recorders.ts';

// Bottleneck keeps real time (and Redis shares it between replicas), so these run at real speed with short
// gaps, and check order and counts; the one spacing measured has a wide margin.

function recorder() {
  const posts: { channel: string; text: string; at: number }[] = [];
  const updates: string[] = [];
  const chat: Chat = {
    post: async (channel: string, m: Message) => {
      posts.push({ channel, text: toMrkdwn(m.text), at: performance.now() });
      return { ts: String(posts.length) };
    },
    update: async (_channel, _ts, m) => void updates.push(toMrkdwn(m.text)),
    upload: async (channel, file) => void posts.push({ channel, text: file.filename, at: performance.now() }),
  };
  return { posts, updates, chat };
}

const opened: SharedLimits[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((l) => l.stop()));
});

function limits(redisUrl?: string, prefix = `t${randomBytes(4).toString('hex')}-`) {
  const l = new SharedLimits({ redisUrl, prefix, log: recordingLog().log, watchdogMs: 100, openLink: openRedisLink });
  opened.push(l);
  return l;
}

describe('RateLimitedChat', () => {
  it('keeps order and spacing within a channel, and does not hold up other channels', async () => {
    const { posts, chat } = recorder();
    const paced = new RateLimitedChat(chat, { limits: limits(), workspace: 'W', minGapMs: 100 });
    await Promise.all([
      paced.post('C1', { text: 'a' }),
      paced.post('C1', { text: 'b' }),
      paced.upload('C1', { filename: 'c', title: '', content: '', comment: '' }),
      paced.post('C2', { text: 'x' }),
    ]);
    const c1 = posts.filter((p) => p.channel === 'C1');
    expect(c1.map((p) => p.text)).toEqual(['a', 'b', 'c']);
    for (let i = 1; i < c1.length; i++) expect(c1[i]!.at - c1[i - 1]!.at).toBeGreaterThanOrEqual(90);
    // C2's post did not wait behind C1's queue.
    expect(posts.findIndex((p) => p.text === 'x')).toBeLessThan(posts.findIndex((p) => p.text === 'b'));
  });

  it('posts prompt messages before bulk ones waiting for the same channel', async () => {
    const { posts, chat } = recorder();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    // The first post is still being sent while the others queue up behind it.
    const slowFirst: Chat = {
      ...chat,
      post: async (c, m, t) => {
        if (toMrkdwn(m.text) === 'first') await held;
        return chat.post(c, m, t);
      },
    };
    const paced = new RateLimitedChat(slowFirst, { limits: limits(), workspace: 'W', minGapMs: 50 });
    const sent = [
      paced.post('C1', { text: 'first' }),
      paced.post('C1', { text: 'log 1', urgency: 'bulk' }),
      paced.post('C1', { text: 'log 2', urgency: 'bulk' }),
      paced.post('C1', { text: 'plain' }),
      paced.post('C1', { text: 'approval', urgency: 'prompt' }),
    ];
    await new Promise((resolve) => setTimeout(resolve, 100));
    release();
    await Promise.all(sent);
    expect(posts.map((p) => p.text)).toEqual(['first', 'approval', 'plain', 'log 1', 'log 2']);
  });

  it('shares one channel budget between two replicas through Redis', async () => {
    const prefix = `t${randomBytes(4).toString('hex')}-`;
    const [a, b] = [limits('redis://127.0.0.1:6379', prefix), limits('redis://127.0.0.1:6379', prefix)];
    await eventually(() => a.up && b.up, 'Redis');
    const { posts, chat } = recorder();
    const replicaA = new RateLimitedChat(chat, { limits: a, workspace: 'W', minGapMs: 200 });
    const replicaB = new RateLimitedChat(chat, { limits: b, workspace: 'W', minGapMs: 200 });
    await Promise.all([
      replicaA.post('C1', { text: '1' }),
      replicaB.post('C1', { text: '2' }),
      replicaA.post('C1', { text: '3' }),
      replicaB.post('C1', { text: '4' }),
    ]);
    const times = posts.map((p) => p.at).sort((x, y) => x - y);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(170);
  });

  it('keeps going after a failed post', async () => {
    const { posts, chat } = recorder();
    let fail = true;
    const flaky: Chat = {
      ...chat,
      post: async (c, m, t) => {
        if (!fail) return chat.post(c, m, t);
        fail = false;
        throw new Error('boom');
      },
    };
    const paced = new RateLimitedChat(flaky, { limits: limits(), workspace: 'W', minGapMs: 10 });
    await expect(paced.post('C1', { text: 'a' })).rejects.toThrow('boom');
    await paced.post('C1', { text: 'b' });
    expect(posts.map((p) => p.text)).toEqual(['b']);
  });

  it("keeps chat.update within the workspace's budget: a burst at once, the rest as it is topped up", async () => {
    const { updates, chat } = recorder();
    const paced = new RateLimitedChat(chat, {
      limits: limits(),
      workspace: 'W',
      updateBudget: { burst: 2, every5s: 1 },
    });
    const sent = ['1', '2', '3'].map((text) => paced.update('C1', '1.0', { text }));
    await eventually(() => updates.length === 2, 'the burst');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(updates).toEqual(['1', '2']);
    await Promise.all(sent);
    expect(updates).toEqual(['1', '2', '3']);
  });
});
