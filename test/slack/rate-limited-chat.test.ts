import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { Message } from '../../src/core/message.ts';
import type { Chat } from '../../src/ports/chat.ts';
import { RateLimitedChat } from '../../src/slack/rate-limited-chat.ts';

function recorder() {
  const posts: { channel: string; text: string; at: number }[] = [];
  const chat: Chat = {
    post: async (channel: string, m: Message) => {
      posts.push({ channel, text: m.text, at: Date.now() });
      return { ts: String(posts.length) };
    },
    update: async () => {},
    upload: async (channel, file) => void posts.push({ channel, text: file.filename, at: Date.now() }),
  };
  return { posts, chat };
}

const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 2 });
afterAll(() => redis.disconnect());

describe('RateLimitedChat', () => {
  it('keeps order and spacing within a channel, and does not hold up other channels', async () => {
    const { posts, chat } = recorder();
    const paced = new RateLimitedChat(chat, { minGapMs: 100 });
    await Promise.all([
      paced.post('C1', { text: 'a' }),
      paced.post('C1', { text: 'b' }),
      paced.upload('C1', { filename: 'c', title: '', content: '', comment: '' }),
      paced.post('C2', { text: 'x' }),
    ]);
    const c1 = posts.filter((p) => p.channel === 'C1');
    expect(c1.map((p) => p.text)).toEqual(['a', 'b', 'c']);
    for (let i = 1; i < c1.length; i++) expect(c1[i]!.at - c1[i - 1]!.at).toBeGreaterThanOrEqual(95);
    expect(posts.find((p) => p.channel === 'C2')!.at).toBeLessThan(c1[1]!.at);
  });

  it('shares one channel budget between two replicas through Redis', async () => {
    const channel = `C${randomBytes(4).toString('hex')}`;
    const { posts, chat } = recorder();
    const replicaA = new RateLimitedChat(chat, { minGapMs: 150, redis });
    const replicaB = new RateLimitedChat(chat, { minGapMs: 150, redis });
    await Promise.all([replicaA.post(channel, { text: '1' }), replicaB.post(channel, { text: '2' }), replicaA.post(channel, { text: '3' }), replicaB.post(channel, { text: '4' })]);
    const times = posts.map((p) => p.at).sort((a, b) => a - b);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(140);
  });

  it('keeps going after a failed post', async () => {
    const { posts, chat } = recorder();
    let fail = true;
    const flaky: Chat = { ...chat, post: async (c, m, t) => (fail ? ((fail = false), Promise.reject(new Error('boom'))) : chat.post(c, m, t)) };
    const paced = new RateLimitedChat(flaky, { minGapMs: 10 });
    await expect(paced.post('C1', { text: 'a' })).rejects.toThrow('boom');
    await paced.post('C1', { text: 'b' });
    expect(posts.map((p) => p.text)).toEqual(['b']);
  });
});
