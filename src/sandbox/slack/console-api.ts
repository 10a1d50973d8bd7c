import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ConsoleAsset, loadConsoleAssets } from './console-assets.ts';
import { ConsoleEvents } from './console-events.ts';
import type { ConsoleOptions } from './console-types.ts';
import { consoleState, toConsoleMessage } from './console-view.ts';
import type { SlackEmulator } from './emulator.ts';
import { sendJson, sendText } from './http-util.ts';
import type { StoredMessage } from './message-store.ts';
import { SURFACE_APIS, surfaceApi } from './console-surfaces.ts';
import { BadRequest, type Body, optionalString, parseBody, requireString } from './console-validate.ts';

/** What the console uses of the emulator: only its public API. */
export type ConsoleHost = Pick<
  SlackEmulator,
  | 'workspace'
  | 'messages'
  | 'postUserMessage'
  | 'sendSlashCommand'
  | 'sendBlockAction'
  | 'on'
  | 'home'
  | 'modal'
  | 'openHome'
  | 'submitView'
  | 'closeModal'
  | 'sendViewAction'
  | 'suggest'
  | 'sendShortcut'
  | 'sendMessageAction'
>;

/** The console APIs that act: POST, each with a JSON body. */
const POSTS = ['command', 'action', 'control', ...SURFACE_APIS];

type Reply = [status: number, body: Record<string, unknown>];

/** The page is served with a policy that allows only its own files: message content never becomes code. */
const PAGE_POLICY =
  "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/** The web console: `GET /`, its files under `/console/`, and its JSON and SSE API under `/console/api/`. */
export class SlackConsole {
  readonly #host: ConsoleHost;
  readonly #options: ConsoleOptions;
  readonly #assets: ReadonlyMap<string, ConsoleAsset>;
  readonly #events = new ConsoleEvents();

  /** Reads the page's files now, so a missing one fails the emulator's start rather than a page load. */
  static async create(host: ConsoleHost, options: ConsoleOptions): Promise<SlackConsole> {
    return new SlackConsole(host, options, await loadConsoleAssets());
  }

  private constructor(host: ConsoleHost, options: ConsoleOptions, assets: ReadonlyMap<string, ConsoleAsset>) {
    this.#host = host;
    this.#options = options;
    this.#assets = assets;
    host.on('message', (m) => this.#events.publish('message', toConsoleMessage(m)));
    host.on('update', (m) => this.#events.publish('update', toConsoleMessage(m)));
    host.on('reset', () => this.#events.publish('reset', {}));
    // Views are per person: the page hears whose changed and asks for them.
    host.on('view', (view) => this.#events.publish('view', { user: view.user }));
  }

  async handle(req: IncomingMessage, res: ServerResponse, pathname: string, raw: Buffer): Promise<void> {
    const api = /^\/console\/api\/([a-z]+)$/.exec(pathname)?.[1];
    if (api !== undefined) return this.#api(api, req, res, raw);
    const asset = this.#assets.get(pathname === '/' ? 'index.html' : pathname.replace(/^\/console\//, ''));
    if (!asset || req.method !== 'GET') return sendText(res, 404, 'not_found');
    res.writeHead(200, {
      'content-type': asset.contentType,
      // Served from memory, read at startup: revalidating costs nothing and a restart shows edits at once.
      // Font pieces are large and change only with the package, so those are kept for a day.
      'cache-control': asset.contentType.startsWith('font/') ? 'max-age=86400' : 'no-cache',
      'x-content-type-options': 'nosniff',
      ...(asset.contentType.startsWith('text/html') ? { 'content-security-policy': PAGE_POLICY } : {}),
    });
    res.end(asset.body);
  }

  /** Ends open event streams; the emulator calls this before closing its server. */
  close(): void {
    this.#events.close();
  }

  async #api(name: string, req: IncomingMessage, res: ServerResponse, raw: Buffer): Promise<void> {
    const method = name === 'state' || name === 'events' ? 'GET' : 'POST';
    if (name !== 'state' && name !== 'events' && !POSTS.includes(name)) {
      return sendJson(res, 404, { ok: false, error: 'not_found', message: `No console API ${name}` });
    }
    if (req.method !== method) {
      return sendJson(
        res,
        405,
        { ok: false, error: 'method_not_allowed', message: `Use ${method}` },
        { allow: method },
      );
    }
    if (name === 'events') return this.#events.open(res);
    if (name === 'state') {
      const state = consoleState(this.#host.workspace, this.#options, this.#host.messages(), this.#events.seq);
      return sendJson(res, 200, state);
    }
    let reply: Reply;
    try {
      const body = parseBody(raw);
      if (name === 'command') reply = await this.#command(body);
      else if (name === 'action') reply = await this.#action(body);
      else if (name === 'control') reply = await this.#control(body);
      else reply = await surfaceApi(this.#host, name, body, this.#who(body, false), (send) => this.#toBot(send));
    } catch (error) {
      if (!(error instanceof BadRequest)) throw error;
      reply = [400, { ok: false, error: 'invalid_request', message: error.message }];
    }
    sendJson(res, reply[0], reply[1]);
  }

  /** `/name args` goes to the bot as a slash command; anything else is posted as the person's message. */
  async #command(body: Body): Promise<Reply> {
    const { user, channel } = this.#who(body);
    const text = requireString(body, 'text').trim();
    if (text === '') throw new BadRequest('text must not be empty');
    if (!text.startsWith('/')) {
      const threadTs = optionalString(body, 'threadTs');
      // A thread can only start under a message everyone sees.
      const parent = threadTs === undefined ? undefined : this.#find(channel, threadTs, user);
      if (threadTs !== undefined && (!parent || parent.ephemeralTo !== undefined)) {
        throw new BadRequest(`no message ${threadTs} in ${channel} to reply to`);
      }
      const message = this.#host.postUserMessage({ user, channel, text, ...(threadTs ? { threadTs } : {}) });
      return [200, { ok: true, message: toConsoleMessage(message) }];
    }
    const [, typed = '', rest = ''] = /^(\S+)\s*([\s\S]*)$/.exec(text) ?? [];
    const command = typed.toLowerCase();
    if (!this.#options.commands.some((c) => c.command === command)) {
      const message =
        `${typed} is not a valid command. ` +
        'In Slack, all messages that start with the "/" character are interpreted as commands.';
      return [404, { ok: false, error: 'unknown_command', message }];
    }
    const escaped = this.#options.commands.find((c) => c.command === command)?.shouldEscape === true;
    return this.#toBot(() => this.#host.sendSlashCommand({ user, channel, command, text: rest, escape: escaped }));
  }

  async #action(body: Body): Promise<Reply> {
    const { user, channel } = this.#who(body);
    const messageTs = requireString(body, 'messageTs');
    const actionId = requireString(body, 'actionId');
    const value = optionalString(body, 'value');
    if (!this.#find(channel, messageTs, user)) {
      return [404, { ok: false, error: 'message_not_found', message: `No message ${messageTs} that ${user} can see` }];
    }
    return this.#toBot(() =>
      this.#host.sendBlockAction({ user, channel, messageTs, actionId, ...(value === undefined ? {} : { value }) }),
    );
  }

  async #control(body: Body): Promise<Reply> {
    const id = requireString(body, 'id');
    const control = (this.#options.controls ?? []).find((c) => c.id === id);
    if (!control) return [404, { ok: false, error: 'unknown_control', message: `No control ${id}` }];
    const given = body.params ?? {};
    if (typeof given !== 'object' || given === null || Array.isArray(given))
      throw new BadRequest('params must be an object');
    const declared = control.params ?? [];
    const params: Record<string, string> = {};
    for (const name of Object.keys(given)) {
      if (!declared.some((p) => p.name === name)) throw new BadRequest(`${id} takes no param ${name}`);
    }
    for (const param of declared) {
      const value = (given as Body)[param.name];
      if (typeof value !== 'string' || !param.options.includes(value)) {
        throw new BadRequest(`${param.name} must be one of ${param.options.join(', ')}`);
      }
      params[param.name] = value;
    }
    try {
      return [200, { ok: true, text: await control.run(params) }];
    } catch (error) {
      return [
        500,
        { ok: false, error: 'control_failed', message: error instanceof Error ? error.message : String(error) },
      ];
    }
  }

  /** The person acting and where, checked against the workspace; the channel comes back as its id. */
  #who(body: Body): { user: string; channel: string };
  #who(body: Body, needsChannel: false): { user: string; channel: string | undefined };
  #who(body: Body, needsChannel = true): { user: string; channel: string | undefined } {
    const user = requireString(body, 'user');
    const found = this.#host.workspace.user(user);
    if (!found || found.isBot) throw new BadRequest(`unknown user ${user}`);
    if (!needsChannel && body.channel === undefined) return { user, channel: undefined };
    const ref = requireString(body, 'channel');
    const channel = this.#host.workspace.resolveChannel(ref);
    if (!channel) throw new BadRequest(`unknown channel ${ref}`);
    return { user, channel: channel.id };
  }

  /** The message as `user` may see it: not deleted, and not someone else's ephemeral one. */
  #find(channel: string, ts: string, user: string): StoredMessage | undefined {
    return this.#host.messages({ channel, visibleTo: user }).find((m) => m.ts === ts);
  }

  /** The bot's HTTP status, or 502 when it could not be reached at all. */
  async #toBot(send: () => Promise<{ status: number }>): Promise<Reply> {
    try {
      return [200, { ok: true, status: (await send()).status }];
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return [502, { ok: false, error: 'bot_unreachable', message }];
    }
  }
}
