import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { Message } from '../../src/core/message.ts';
import type { Chat } from '../../src/ports/chat.ts';
import type { Clock } from '../../src/ports/clock.ts';
import { RateLimitedChat } from '../../src/slack/rate-limited-chat.ts';
import { ManualClock, pinnedClock, WEEKDAY } from '../helpers/clock.ts';

const T0 = WEEKDAY.getTime();

function recorder(clock: Clock) {
  const posts: { channel: string; text: string; at: number }[] = [];
  const chat: Chat = {
    post: async (channel: string, m: Message) => {
      posts.push({ channel, text: m.text, at: clock.now().getTime() - T0 });
      return { ts: String(posts.length) };
    },
    update: async () => {},
    upload: async (channel, file) => void posts.push({ channel, text: file.filename, at: clock.now().getTime() - T0 }),
  };
  return { posts, chat };
}

const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 2 });
afterAll(() => redis.disconnect());

describe('RateLimitedChat', () => {
  it('keeps order and Slack\'s 1.1 s spacing within a channel, and does not hold up other channels', async () => {
    const clock = new ManualClock(WEEKDAY);
    const { posts, chat } = recorder(clock);
    const paced = new RateLimitedChat(chat, { clock });
    await clock.run(Promise.all([
      paced.post('C1', { text: 'a' }),
      paced.post('C1', { text: 'b' }),
      paced.upload('C1', { filename: 'c', title: '', content: '', comment: '' }),
      paced.post('C2', { text: 'x' }),
    ]));
    expect(posts.filter((p) => p.channel === 'C1')).toEqual([
      { channel: 'C1', text: 'a', at: 0 },
      { channel: 'C1', text: 'b', at: 1100 },
      { channel: 'C1', text: 'c', at: 2200 },
    ]);
    expect(posts.find((p) => p.channel === 'C2')).toEqual({ channel: 'C2', text: 'x', at: 0 });
  });

  it.each([
    ['waits only for what is left of the gap', 1000, 1100],
    ['posts at once after a quiet spell', 5000, 5000],
  ])('%s', async (_label, pauseMs, secondAt) => {
    const clock = new ManualClock(WEEKDAY);
    const { posts, chat } = recorder(clock);
    const paced = new RateLimitedChat(chat, { clock, minGapMs: 1100 });
    await clock.run(paced.post('C1', { text: 'a' }));
    await clock.advance(pauseMs);
    await clock.run(paced.post('C1', { text: 'b' }));
    expect(posts.map((p) => p.at)).toEqual([0, secondAt]);
  });

  it('shares one channel budget between two replicas through Redis', async () => {
    // Redis expires the slot in real time, so this one runs at real speed.
    const clock = pinnedClock(WEEKDAY);
    const channel = `C${randomBytes(4).toString('hex')}`;
    const { posts, chat } = recorder(clock);
    const replicaA = new RateLimitedChat(chat, { clock, minGapMs: 150, redis });
    const replicaB = new RateLimitedChat(chat, { clock, minGapMs: 150, redis });
    await Promise.all([replicaA.post(channel, { text: '1' }), replicaB.post(channel, { text: '2' }), replicaA.post(channel, { text: '3' }), replicaB.post(channel, { text: '4' })]);
    const times = posts.map((p) => p.at).sort((a, b) => a - b);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(140);
  });

  it('keeps going after a failed post', async () => {
    const clock = new ManualClock(WEEKDAY);
    const { posts, chat } = recorder(clock);
    let fail = true;
    const flaky: Chat = { ...chat, post: async (c, m, t) => (fail ? ((fail = false), Promise.reject(new Error('boom'))) : chat.post(c, m, t)) };
    const paced = new RateLimitedChat(flaky, { clock, minGapMs: 10 });
    await expect(clock.run(paced.post('C1', { text: 'a' }))).rejects.toThrow('boom');
    await clock.run(paced.post('C1', { text: 'b' }));
    expect(posts).toEqual([{ channel: 'C1', text: 'b', at: 10 }]);
  });
});
