import { once } from 'node:events';
import { App, type Logger, LogLevel, type SlashCommand } from '@slack/bolt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type SocketEvent, SlackEmulator } from '../../src/sandbox/slack/index.ts';

const SIGNING_SECRET = 'socket-signing-secret';
const BOT_TOKEN = 'xoxb-socket';
const APP_TOKEN = 'xapp-1-A0OPSDECK-socket';

/** A Socket Mode frame or a Web API answer, with the members these tests read. */
interface Frame {
  url?: string;
  envelope_id?: string;
  payload?: { user_id?: string; actions?: unknown[]; [member: string]: unknown };
  [member: string]: unknown;
}

const parse = (data: unknown): Frame => JSON.parse(String(data));

/** For the app expected to fail: its SocketModeClient would otherwise print the refusal as an error. */
const silent: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => LogLevel.ERROR,
  setName: () => undefined,
};

describe('Socket Mode with a real Bolt app', () => {
  let slack: SlackEmulator;
  let app: App;
  const commands: SlashCommand[] = [];
  const socketEvents: SocketEvent[] = [];

  beforeAll(async () => {
    slack = await SlackEmulator.start({ signingSecret: SIGNING_SECRET, botToken: BOT_TOKEN, appToken: APP_TOKEN });
    slack.on('socket', (event) => socketEvents.push(event));
    app = new App({
      token: BOT_TOKEN,
      appToken: APP_TOKEN,
      socketMode: true,
      clientOptions: { slackApiUrl: slack.apiUrl },
      logLevel: LogLevel.ERROR,
    });
    app.command('/ops', async ({ ack, respond, command }) => {
      commands.push(command);
      await ack();
      await respond('hi over socket');
    });
    app.command('/echo', async ({ ack, command }) => {
      await ack({ response_type: 'ephemeral', text: `echo ${command.text}` });
    });
    app.action('opsdeck.approve', async ({ ack, respond, body }) => {
      await ack();
      await respond({ replace_original: true, text: `approved by <@${body.user.id}>` });
    });
    await app.start();
    await slack.waitFor(() => slack.socketCount() === 1);
  });
  afterEach(() => slack.reset());
  afterAll(async () => {
    await app.stop();
    await slack.close();
  });

  it('opens the socket with the app-level token, not the bot token', () => {
    expect(slack.calls('apps.connections.open')).toHaveLength(1);
    expect(socketEvents).toEqual([{ type: 'connect', id: 'conn-1', connections: 1 }]);
  });

  it('delivers a slash command over the socket and receives its respond()', async () => {
    const res = await slack.sendSlashCommand({ user: 'U0ALICE', channel: 'C0DEPLOYS', command: '/ops', text: 'help' });
    expect(res.status).toBe(200);
    // Bolt acks with an empty payload, as @slack/socket-mode always sends one.
    expect(JSON.parse(res.body)).toEqual({});
    expect(commands.at(-1)).toMatchObject({
      command: '/ops',
      text: 'help',
      channel_id: 'C0DEPLOYS',
      user_id: 'U0ALICE',
    });
    expect(commands.at(-1)?.response_url).toBe(res.responseUrl);
    const reply = await slack.waitFor(() =>
      slack.messages({ visibleTo: 'U0ALICE' }).find((m) => m.text === 'hi over socket'),
    );
    expect(reply).toMatchObject({ channel: 'C0DEPLOYS', ephemeralTo: 'U0ALICE', source: 'response_url' });
  });

  it('returns what the app put in its ack', async () => {
    const res = await slack.sendSlashCommand({ user: 'U0BOB', channel: 'C0DEPLOYS', command: '/echo', text: 'ping' });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ response_type: 'ephemeral', text: 'echo ping' });
  });

  it('delivers a button click over the socket', async () => {
    const posted = await app.client.chat.postMessage({
      channel: 'C0DEPLOYS',
      text: 'deploy api to prod?',
      blocks: [
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              action_id: 'opsdeck.approve',
              text: { type: 'plain_text', text: 'Approve' },
              value: 'req_1',
            },
          ],
        },
      ],
    });
    const res = await slack.sendBlockAction({
      user: 'U0BOB',
      channel: 'C0DEPLOYS',
      messageTs: posted.ts!,
      actionId: 'opsdeck.approve',
    });
    expect(res.status).toBe(200);
    const replaced = await slack.waitFor(() =>
      slack.messages({ channel: 'C0DEPLOYS' }).find((m) => m.ts === posted.ts && m.edited),
    );
    expect(replaced.text).toBe('approved by <@U0BOB>');
  });

  it('still uses HTTP when asked to', async () => {
    await expect(
      slack.sendSlashCommand({ user: 'U0ALICE', channel: 'C0DEPLOYS', command: '/ops', transport: 'http' }),
    ).rejects.toThrow(/no bot URL/);
  });

  it('is reconnected to by the app after a disconnect message', async () => {
    await slack.disconnectSockets();
    expect(slack.socketCount()).toBe(0);
    // @slack/socket-mode waits clientPingTimeout (5 s by default) before reconnecting.
    await slack.waitFor(() => slack.socketCount() === 1, { timeoutMs: 15_000 });
    expect(slack.calls('apps.connections.open')).toHaveLength(1);
    expect(socketEvents.slice(-2)).toMatchObject([
      { type: 'disconnect', id: 'conn-1', connections: 0, code: 1000 },
      { type: 'connect', id: 'conn-2', connections: 1 },
    ]);
    const res = await slack.sendSlashCommand({ user: 'U0ALICE', channel: 'C0DEPLOYS', command: '/ops', text: 'again' });
    expect(res.status).toBe(200);
    await slack.waitFor(() => slack.messages({ visibleTo: 'U0ALICE' }).find((m) => m.text === 'hi over socket'));
  });

  it('makes app.start() reject when the app-level token is wrong', async () => {
    const wrong = new App({
      token: BOT_TOKEN,
      appToken: 'xapp-1-A0OPSDECK-wrong',
      socketMode: true,
      clientOptions: { slackApiUrl: slack.apiUrl },
      logger: silent,
    });
    await expect(wrong.start()).rejects.toMatchObject({ data: { ok: false, error: 'invalid_auth' } });
    await wrong.stop();
    expect(slack.socketCount()).toBe(1);
  });
});

describe('Socket Mode wire protocol', () => {
  let slack: SlackEmulator;
  const clients: WebSocket[] = [];

  const connectionsOpen = async (token: string): Promise<Frame> => {
    const res = await fetch(`${slack.apiUrl}apps.connections.open`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    return (await res.json()) as Frame;
  };

  /** Connects like @slack/socket-mode does and returns the first frame the emulator sends. */
  const connect = async (url?: string): Promise<{ ws: WebSocket; first: Frame }> => {
    const ws = new WebSocket(url ?? String((await connectionsOpen(APP_TOKEN)).url));
    clients.push(ws);
    const [data] = await once(ws, 'message');
    return { ws, first: parse(data) };
  };

  /** Acks every envelope (without a payload) and records it. */
  const autoAck = (ws: WebSocket, into: Frame[]): void => {
    ws.on('message', (data) => {
      const frame = parse(data);
      if (typeof frame.envelope_id !== 'string') return;
      into.push(frame);
      ws.send(JSON.stringify({ envelope_id: frame.envelope_id }));
    });
  };

  beforeAll(async () => {
    slack = await SlackEmulator.start({ signingSecret: SIGNING_SECRET, botToken: BOT_TOKEN, appToken: APP_TOKEN });
  });
  afterEach(async () => {
    for (const ws of clients.splice(0)) ws.close();
    await slack.waitFor(() => slack.socketCount() === 0);
  });
  afterAll(() => slack.close());

  it('keeps app-level and bot tokens apart', async () => {
    expect(await connectionsOpen('xapp-1-nope')).toEqual({ ok: false, error: 'invalid_auth' });
    expect(await connectionsOpen(BOT_TOKEN)).toEqual({ ok: false, error: 'not_allowed_token_type' });
    const post = await fetch(`${slack.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${APP_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'C0DEPLOYS', text: 'hi' }),
    });
    expect(await post.json()).toEqual({ ok: false, error: 'not_allowed_token_type' });
  });

  it('greets with hello, admits each ticket once and answers pings', async () => {
    const opened = await connectionsOpen(APP_TOKEN);
    expect(opened.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/socket\?ticket=.+/);
    const { ws, first } = await connect(opened.url);
    expect(first).toMatchObject({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0OPSDECK' } });
    expect(first.debug_info).toEqual(expect.objectContaining({ host: expect.any(String) }));
    await expect(connect(opened.url)).rejects.toThrow(/401/);
    const pong = once(ws, 'pong');
    ws.ping(Buffer.from('are you there'));
    expect(String((await pong)[0])).toBe('are you there');
  });

  it('sends envelopes in turn to each connection, with the payload Slack would post', async () => {
    const [a, b] = [await connect(), await connect()];
    expect(b.first.num_connections).toBe(2);
    const seenByA: Frame[] = [];
    const seenByB: Frame[] = [];
    autoAck(a.ws, seenByA);
    autoAck(b.ws, seenByB);
    const first = await slack.sendSlashCommand({
      user: 'U0ALICE',
      channel: 'C0DEPLOYS',
      command: 'ops',
      text: 'status',
    });
    const second = await slack.sendSlashCommand({ user: 'U0BOB', channel: 'C0DEPLOYS', command: '/ops' });
    expect([first.status, first.body, second.status]).toEqual([200, '', 200]);
    expect([seenByA.length, seenByB.length]).toEqual([1, 1]);
    const envelope = [...seenByA, ...seenByB].find((f) => f.payload?.user_id === 'U0ALICE');
    expect(envelope).toMatchObject({ type: 'slash_commands', accepts_response_payload: true });
    expect(envelope?.payload).toMatchObject({
      command: '/ops',
      text: 'status',
      channel_id: 'C0DEPLOYS',
      is_enterprise_install: 'false',
      response_url: first.responseUrl,
    });
  });

  it('delivers copies of one command, same trigger_id, in separate envelopes to the connections', async () => {
    const [a, b] = [await connect(), await connect()];
    const seen: Frame[] = [];
    autoAck(a.ws, seen);
    autoAck(b.ws, seen);
    const res = await slack.sendSlashCommand({ user: 'U0ALICE', channel: 'C0DEPLOYS', command: '/ops', copies: 2 });
    expect(res.status).toBe(200);
    expect(new Set(seen.map((f) => f.envelope_id)).size).toBe(2);
    expect(new Set(seen.map((f) => f.payload?.trigger_id)).size).toBe(1);
  });

  it('spreads envelopes over the connections at random when asked to, as Slack does', async () => {
    const random = await SlackEmulator.start({
      signingSecret: SIGNING_SECRET,
      botToken: BOT_TOKEN,
      appToken: APP_TOKEN,
      socketPick: 'random',
    });
    try {
      const url = async () => {
        const res = await fetch(`${random.apiUrl}apps.connections.open`, {
          method: 'POST',
          headers: { authorization: `Bearer ${APP_TOKEN}` },
        });
        return String(((await res.json()) as Frame).url);
      };
      const order: number[] = [];
      for (const i of [0, 1, 2]) {
        const { ws } = await connect(await url());
        autoAck(ws, []);
        ws.on('message', () => order.push(i));
      }
      for (let i = 0; i < 60; i++)
        await random.sendSlashCommand({ user: 'U0BOB', channel: 'C0DEPLOYS', command: '/ops' });
      expect(order).toHaveLength(60);
      // Every connection gets some (all but certain in 60), and not in turn (a chance of 3^-59).
      expect(new Set(order).size).toBe(3);
      expect(order.some((c, i) => c !== order[i % 3])).toBe(true);
    } finally {
      for (const ws of clients.splice(0)) ws.close();
      await random.close();
    }
  });

  it('sends block actions as interactive envelopes', async () => {
    const { ws } = await connect();
    const seen: Frame[] = [];
    autoAck(ws, seen);
    const res = await slack.sendBlockAction({
      user: 'U0BOB',
      channel: 'C0DEPLOYS',
      messageTs: '1.000100',
      actionId: 'opsdeck.approve',
      value: 'req_9',
    });
    expect(res.status).toBe(200);
    expect(seen[0]).toMatchObject({
      type: 'interactive',
      payload: { type: 'block_actions', response_url: res.responseUrl },
    });
    expect(seen[0]?.payload?.actions?.[0]).toMatchObject({ action_id: 'opsdeck.approve', value: 'req_9' });
  });

  it('reports status 0 for an envelope whose connection goes away unacked', async () => {
    const { ws } = await connect();
    ws.once('message', () => ws.close());
    const res = await slack.sendSlashCommand({ user: 'U0ALICE', channel: 'C0DEPLOYS', command: '/ops' });
    expect(res.status).toBe(0);
    await expect(
      slack.sendSlashCommand({ user: 'U0ALICE', channel: 'C0DEPLOYS', command: '/ops', transport: 'socket' }),
    ).rejects.toThrow(/no Socket Mode connection/);
  });

  it('sends a disconnect with its reason before closing', async () => {
    const { ws } = await connect();
    const frame = once(ws, 'message');
    const closed = once(ws, 'close');
    await slack.disconnectSockets('warning');
    expect(parse((await frame)[0])).toMatchObject({ type: 'disconnect', reason: 'warning' });
    expect((await closed)[0]).toBe(1000);
    expect(slack.socketCount()).toBe(0);
  });

  it('turns away an eleventh connection, as Slack caps an app at ten', async () => {
    const ten = await Promise.all(Array.from({ length: 10 }, () => connect()));
    expect(ten.map((c) => c.first.type)).toEqual(Array(10).fill('hello'));
    const eleventh = await connect();
    expect(eleventh.first).toMatchObject({ type: 'disconnect', reason: 'too_many_websockets' });
    expect(slack.socketCount()).toBe(10);
  });
});
