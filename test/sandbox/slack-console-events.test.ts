import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LogLevel, WebClient } from '@slack/web-api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleEvents } from '../../src/sandbox/slack/console-events.ts';
import { SlackEmulator } from '../../src/sandbox/slack/index.ts';

const SECRET = 'console-signing-secret';
const BOT_TOKEN = 'xoxb-console-events';
let slack: SlackEmulator;
let web: WebClient;

const api = (path: string, init?: RequestInit): Promise<Response> => fetch(`${slack.url}${path}`, init);
const state = async (): Promise<{ seq: number }> =>
  (await api('/console/api/state')).json() as Promise<{ seq: number }>;

/** Reads Server-Sent Events frames (up to each blank line) from a fetch body. */
class SseReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #decoder = new TextDecoder();
  #buffer = '';

  constructor(body: ReadableStream<Uint8Array>) {
    this.#reader = body.getReader();
  }

  async frame(): Promise<string | undefined> {
    for (;;) {
      const end = this.#buffer.indexOf('\n\n');
      if (end !== -1) {
        const frame = this.#buffer.slice(0, end);
        this.#buffer = this.#buffer.slice(end + 2);
        return frame;
      }
      const { done, value } = await this.#reader.read();
      if (done) return undefined;
      this.#buffer += this.#decoder.decode(value, { stream: true });
    }
  }

  /** The next frame that names an event, parsed; comments and `retry:` frames are skipped. */
  async event(): Promise<{ event: string; id: string; data: unknown } | undefined> {
    for (let frame = await this.frame(); frame !== undefined; frame = await this.frame()) {
      const field = (name: string) =>
        frame
          ?.split('\n')
          .find((l) => l.startsWith(`${name}: `))
          ?.slice(name.length + 2);
      const event = field('event');
      if (event !== undefined) return { event, id: field('id') ?? '', data: JSON.parse(field('data') ?? 'null') };
    }
    return undefined;
  }

  cancel(): Promise<void> {
    return this.#reader.cancel();
  }
}

beforeAll(async () => {
  slack = await SlackEmulator.start({ signingSecret: SECRET, botToken: BOT_TOKEN, console: { commands: [] } });
  web = new WebClient(BOT_TOKEN, { slackApiUrl: slack.apiUrl, logLevel: LogLevel.ERROR });
});
afterEach(() => slack.reset());
afterAll(() => slack.close());

describe('console events', () => {
  it('streams message, update and reset events numbered after the state it reported', async () => {
    const controller = new AbortController();
    const res = await api('/console/api/events', { signal: controller.signal });
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const sse = new SseReader(res.body!);
    try {
      expect(await sse.frame()).toMatch(/^retry: \d+\n: connected/);
      const { seq } = await state();
      const posted = slack.postUserMessage({ user: 'U0ALICE', channel: 'C0GENERAL', text: 'hello *world*' });
      expect(await sse.event()).toEqual({
        event: 'message',
        id: String(seq + 1),
        data: {
          ts: posted.ts,
          channel: 'C0GENERAL',
          user: 'U0ALICE',
          text: 'hello *world*',
          blocks: [],
          source: 'user',
        },
      });
      const bots = await web.chat.postMessage({ channel: 'C0GENERAL', text: 'v1' });
      expect(await sse.event()).toMatchObject({
        event: 'message',
        data: { ts: bots.ts, text: 'v1', botId: 'B0OPSDECK' },
      });
      await web.chat.update({ channel: 'C0GENERAL', ts: bots.ts!, text: 'v2' });
      expect(await sse.event()).toMatchObject({ event: 'update', data: { ts: bots.ts, text: 'v2', edited: true } });
      slack.reset();
      expect(await sse.event()).toEqual({ event: 'reset', id: String(seq + 4), data: {} });
      expect((await state()).seq).toBe(seq + 4);
    } finally {
      await sse.cancel();
      controller.abort();
    }
  });

  it('ends open streams when the emulator closes', async () => {
    const other = await SlackEmulator.start({ signingSecret: SECRET, botToken: BOT_TOKEN, console: { commands: [] } });
    const sse = new SseReader((await fetch(`${other.url}/console/api/events`)).body!);
    expect(await sse.frame()).toMatch(/: connected/);
    await other.close();
    expect(await sse.frame()).toBeUndefined();
  });

  it('sends heartbeats while a stream is open and forgets a stream once its client leaves', async () => {
    const events = new ConsoleEvents(20);
    const server = createServer((_req, res) => events.open(res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      const sse = new SseReader(res.body!);
      await sse.frame();
      expect(await sse.frame()).toBe(': heartbeat');
      expect(events.openStreams).toBe(1);
      await sse.cancel();
      await expect.poll(() => events.openStreams).toBe(0);
    } finally {
      events.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
