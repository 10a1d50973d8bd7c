import { randomBytes } from 'node:crypto';
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { Message } from '../../src/core/message.ts';
import type { Chat } from '../../src/ports/chat.ts';
import type { Clock } from '../../src/ports/clock.ts';
import type { Logger } from '../../src/ports/logger.ts';
import { toMrkdwn } from '../../src/slack/mrkdwn.ts';
import { type PacingMetrics, RateLimitedChat } from '../../src/slack/rate-limited-chat.ts';
import { ManualClock, pinnedClock, WEEKDAY } from '../helpers/clock.ts';

const T0 = WEEKDAY.getTime();

function recorder(clock: Clock) {
  const posts: { channel: string; text: string; at: number }[] = [];
  const chat: Chat = {
    post: async (channel: string, m: Message) => {
      posts.push({ channel, text: toMrkdwn(m.text), at: clock.now().getTime() - T0 });
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
  it("keeps order and Slack's 1.1 s spacing within a channel, and does not hold up other channels", async () => {
    const clock = new ManualClock(WEEKDAY);
    const { posts, chat } = recorder(clock);
    const paced = new RateLimitedChat(chat, { clock });
    await clock.run(
      Promise.all([
        paced.post('C1', { text: 'a' }),
        paced.post('C1', { text: 'b' }),
        paced.upload('C1', { filename: 'c', title: '', content: '', comment: '' }),
        paced.post('C2', { text: 'x' }),
      ]),
    );
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
    await Promise.all([
      replicaA.post(channel, { text: '1' }),
      replicaB.post(channel, { text: '2' }),
      replicaA.post(channel, { text: '3' }),
      replicaB.post(channel, { text: '4' }),
    ]);
    const times = posts.map((p) => p.at).sort((a, b) => a - b);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(140);
  });

  it('keeps going after a failed post', async () => {
    const clock = new ManualClock(WEEKDAY);
    const { posts, chat } = recorder(clock);
    let fail = true;
    const flaky: Chat = {
      ...chat,
      post: async (c, m, t) => {
        if (!fail) return chat.post(c, m, t);
        fail = false;
        throw new Error('boom');
      },
    };
    const paced = new RateLimitedChat(flaky, { clock, minGapMs: 10 });
    await expect(clock.run(paced.post('C1', { text: 'a' }))).rejects.toThrow('boom');
    await clock.run(paced.post('C1', { text: 'b' }));
    expect(posts).toEqual([{ channel: 'C1', text: 'b', at: 10 }]);
  });
});

function recordingLog() {
  const lines: { level: string; msg: string }[] = [];
  const log: Logger = {
    debug() {},
    info: (_obj, msg) => void lines.push({ level: 'info', msg: msg ?? '' }),
    warn: (_obj, msg) => void lines.push({ level: 'warn', msg: msg ?? '' }),
    error: (_obj, msg) => void lines.push({ level: 'error', msg: msg ?? '' }),
    child: () => log,
  };
  return { log, lines };
}

function recordingMetrics() {
  const shared: boolean[] = [];
  let local = 0;
  const metrics: PacingMetrics = {
    sharedPacing: (up) => void shared.push(up),
    pacedLocally: () => {
      local += 1;
    },
  };
  return { metrics, shared, local: () => local };
}

/** A TCP relay to the real Redis that can be cut and restored on the same port, as an outage looks to a client. */
async function redisRelay() {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const up = async () => {
    server = createServer((client) => {
      const upstream = connect(6379, '127.0.0.1');
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  };
  await up();
  return {
    url: () => `redis://127.0.0.1:${port}`,
    up,
    async down() {
      const closing = new Promise((resolve) => server?.close(resolve));
      for (const s of sockets) s.destroy();
      await closing;
    },
  };
}

describe('RateLimitedChat when Redis fails', () => {
  it('keeps posting with local pacing when Redis cannot be reached, warning once and counting each post', async () => {
    const relay = await redisRelay();
    await relay.down();
    // Nothing listens there any more: every connection is refused, as with a stopped Redis or a wrong REDIS_URL.
    const unreachable = new Redis(relay.url(), { maxRetriesPerRequest: 1 });
    try {
      const clock = pinnedClock(WEEKDAY);
      const { posts, chat } = recorder(clock);
      const { log, lines } = recordingLog();
      const m = recordingMetrics();
      const paced = new RateLimitedChat(chat, {
        clock,
        minGapMs: 60,
        redis: unreachable,
        redisTimeoutMs: 100,
        log,
        metrics: m.metrics,
      });
      await Promise.all(['a', 'b', 'c', 'd'].map((text) => paced.post('C1', { text })));
      expect(posts.map((p) => p.text)).toEqual(['a', 'b', 'c', 'd']);
      for (let i = 1; i < posts.length; i++) expect(posts[i]!.at - posts[i - 1]!.at).toBeGreaterThanOrEqual(55);
      expect(lines.filter((l) => l.level === 'warn')).toEqual([
        { level: 'warn', msg: expect.stringContaining('Redis is unreachable: pacing Slack posts locally') },
      ]);
      expect(m.shared).toEqual([true, false]);
      expect(m.local()).toBe(4);
    } finally {
      unreachable.disconnect();
    }
  });

  it('shares the pace through Redis again once it is back, saying so once', async () => {
    const relay = await redisRelay();
    const client = new Redis(relay.url(), { maxRetriesPerRequest: 1 });
    try {
      const channel = `C${randomBytes(4).toString('hex')}`;
      const key = `opsdeck:chat-slot:${channel}`;
      const clock = pinnedClock(WEEKDAY);
      const { posts, chat } = recorder(clock);
      const { log, lines } = recordingLog();
      const m = recordingMetrics();
      const paced = new RateLimitedChat(chat, {
        clock,
        minGapMs: 300,
        redis: client,
        redisTimeoutMs: 100,
        redisRetryMs: 50,
        log,
        metrics: m.metrics,
      });

      await paced.post(channel, { text: 'shared' });
      expect(await redis.pttl(key)).toBeGreaterThan(0);
      await redis.del(key);

      await relay.down();
      await paced.post(channel, { text: 'local 1' });
      await paced.post(channel, { text: 'local 2' });
      expect(await redis.exists(key)).toBe(0);
      expect(m.local()).toBe(2);

      await relay.up();
      await vi.waitFor(() => expect(lines.filter((l) => l.level === 'info')).toHaveLength(1), {
        timeout: 10_000,
        interval: 20,
      });
      await paced.post(channel, { text: 'shared again' });
      expect(await redis.pttl(key)).toBeGreaterThan(0);

      expect(posts.map((p) => p.text)).toEqual(['shared', 'local 1', 'local 2', 'shared again']);
      expect(lines).toEqual([
        { level: 'warn', msg: expect.stringContaining('Redis is unreachable') },
        { level: 'info', msg: expect.stringContaining('Redis is back') },
      ]);
      expect(m.shared).toEqual([true, false, true]);
      expect(m.local()).toBe(2);
    } finally {
      client.disconnect();
      await relay.down();
    }
  });
});
