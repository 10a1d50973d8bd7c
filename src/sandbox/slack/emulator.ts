import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SlackConsole } from './console-api.ts';
import { describeMessages } from './describe.ts';
import type { ApiCall, SlackEmulatorEvents, SlackEmulatorOptions, UserMessageInput } from './emulator-types.ts';
import { FailureInjector, type SlackFailure } from './failures.ts';
import { FileStore, type StoredFile } from './file-store.ts';
import { type BlockActionInput, type BotResponse, Interactions, type SlashCommandInput } from './interactions.ts';
import { MessageStore, type MessageQuery, type StoredMessage } from './message-store.ts';
import { ResponseUrls, SLACK_RESPONSE_URL_LIMITS } from './response-urls.ts';
import { createRequestHandler } from './routes.ts';
import { SocketModeServer } from './socket-mode.ts';
import {
  type MessageActionInput,
  type ShortcutInput,
  type SuggestionInput,
  Surfaces,
  type ViewActionInput,
  type ViewSubmissionInput,
} from './surfaces.ts';
import { type StoredView, ViewStore } from './views.ts';
import { waitUntil } from './wait-until.ts';
import { Workspace } from './workspace.ts';

// The option and event types live apart to keep this file about behaviour; importers still find them here.
export type { ApiCall, SlackEmulatorEvents, SlackEmulatorOptions, UserMessageInput };

const CHANGE_EVENTS = ['message', 'update', 'call', 'reset', 'socket', 'view'] as const;

/**
 * An HTTP-level fake of Slack: the Web API the bot calls, response_urls, and slash commands and block actions
 * sent to the bot as signed requests or over Socket Mode.
 */
export class SlackEmulator extends EventEmitter<SlackEmulatorEvents> {
  readonly workspace: Workspace;
  readonly #now: () => number;
  readonly #store: MessageStore;
  readonly #files = new FileStore();
  readonly #failures = new FailureInjector();
  readonly #responseUrls: ResponseUrls;
  readonly #interactions: Interactions;
  readonly #views: ViewStore;
  readonly #surfaces: Surfaces;
  readonly #sockets: SocketModeServer;
  readonly #calls: ApiCall[] = [];
  readonly #server: Server;
  #console: SlackConsole | undefined;
  #url = '';
  #botUrl: string | undefined;
  #closed = false;

  static async start(options: SlackEmulatorOptions): Promise<SlackEmulator> {
    const emulator = new SlackEmulator(options);
    if (options.console) emulator.#console = await SlackConsole.create(emulator, options.console);
    await emulator.#listen(options.port ?? 0, options.host ?? '127.0.0.1');
    return emulator;
  }

  private constructor(options: SlackEmulatorOptions) {
    super();
    this.#now = options.now ?? Date.now;
    this.#botUrl = options.botUrl;
    this.workspace = new Workspace(options.workspace);
    this.#store = new MessageStore(this.#now, (kind, message) => this.emit(kind, { ...message }));
    this.#responseUrls = new ResponseUrls(this.#store, this.workspace, this.#now, {
      ...SLACK_RESPONSE_URL_LIMITS,
      ...options.responseUrlLimits,
    });
    this.#sockets = new SocketModeServer({
      appId: () => this.workspace.bot.appId,
      onChange: (event) => this.emit('socket', { ...event }),
      ...(options.socketPick ? { pick: options.socketPick } : {}),
    });
    this.#views = new ViewStore(this.#now, (view, closed) => this.emit('view', { ...view }, closed === true));
    this.#interactions = new Interactions({
      workspace: this.workspace,
      store: this.#store,
      responseUrls: this.#responseUrls,
      signingSecret: options.signingSecret,
      responseUrl: (id) => `${this.#url}/response/${id}`,
      botUrl: () => this.#botUrl,
      sockets: this.#sockets,
      now: this.#now,
      issueTrigger: (id, user) => this.#views.issueTrigger(id, user),
    });
    this.#surfaces = new Surfaces({
      workspace: this.workspace,
      store: this.#store,
      views: this.#views,
      interactions: this.#interactions,
    });
    this.#server = createServer(
      createRequestHandler({
        workspace: this.workspace,
        store: this.#store,
        files: this.#files,
        views: this.#views,
        failures: this.#failures,
        responseUrls: this.#responseUrls,
        botToken: options.botToken,
        appToken: options.appToken,
        openSocketUrl: () => this.#sockets.issueUrl(this.#url),
        baseUrl: () => this.#url,
        console: () => this.#console,
        recordCall: (method, args) => {
          const call: ApiCall = { method, args, at: this.#now() };
          this.#calls.push(call);
          this.emit('call', { ...call });
        },
      }),
    );
    this.#server.on('upgrade', (req, socket, head) => this.#sockets.handleUpgrade(req, socket, head));
  }

  get url(): string {
    return this.#url;
  }

  /** The base URL the bot passes as `clientOptions.slackApiUrl`. */
  get apiUrl(): string {
    return `${this.#url}/api/`;
  }

  setBotUrl(url: string): void {
    this.#botUrl = url;
  }

  failMethod(method: string, failure: SlackFailure, times = Infinity): void {
    this.#failures.fail(method, failure, times);
  }

  clearFailures(): void {
    this.#failures.clear();
  }

  calls(method?: string): ApiCall[] {
    return this.#calls.filter((c) => method === undefined || c.method === method).map((c) => ({ ...c }));
  }

  messages(query?: MessageQuery): StoredMessage[] {
    return this.#store.list(query);
  }

  file(id: string): StoredFile | undefined {
    return this.#files.get(id);
  }

  /** A message typed by a person (for the console); nothing is sent to the bot. */
  postUserMessage(input: UserMessageInput): StoredMessage {
    const channel = this.workspace.resolveChannel(input.channel);
    if (!channel || !this.workspace.user(input.user)) {
      throw new Error(`SlackEmulator: unknown user ${input.user} or channel ${input.channel}`);
    }
    const message = this.#store.add({
      channel: channel.id,
      user: input.user,
      text: input.text,
      blocks: [],
      ...(input.threadTs ? { threadTs: input.threadTs } : {}),
      source: 'user',
    });
    return { ...message };
  }

  reset(): void {
    this.#store.clear();
    this.#views.clear();
    this.#calls.length = 0;
    this.emit('reset');
  }

  sendSlashCommand(input: SlashCommandInput): Promise<BotResponse> {
    return this.#interactions.sendSlashCommand(input);
  }

  sendBlockAction(input: BlockActionInput): Promise<BotResponse> {
    return this.#interactions.sendBlockAction(input);
  }

  /** The user's App Home as the bot last published it. */
  home(user: string): StoredView | undefined {
    return this.#views.home(user);
  }

  /** The modal in front of the user, if any. */
  modal(user: string): StoredView | undefined {
    return this.#views.modal(user);
  }

  /** The user opens the bot's App Home tab: `app_home_opened` goes to the bot. */
  openHome(user: string): Promise<BotResponse> {
    return this.#surfaces.openHome(user);
  }

  submitView(input: ViewSubmissionInput): Promise<BotResponse> {
    return this.#surfaces.submit(input);
  }

  closeModal(user: string): void {
    this.#surfaces.close(user);
  }

  sendViewAction(input: ViewActionInput): Promise<BotResponse> {
    return this.#surfaces.action(input);
  }

  suggest(input: SuggestionInput): Promise<{ text: string; value: string }[]> {
    return this.#surfaces.suggest(input);
  }

  sendShortcut(input: ShortcutInput): Promise<BotResponse> {
    return this.#surfaces.shortcut(input);
  }

  sendMessageAction(input: MessageActionInput): Promise<BotResponse> {
    return this.#surfaces.messageAction(input);
  }

  /** Sends the last signed HTTP request to the bot again, byte for byte, as a replay attack would. */
  replayLast(): Promise<BotResponse> {
    return this.#interactions.replayLast();
  }

  /** Open Socket Mode connections that can take envelopes. */
  socketCount(): number {
    return this.#sockets.count();
  }

  /** Sends Slack's `disconnect` message to every connection and closes it; resolves once all are closed. */
  disconnectSockets(reason = 'refresh_requested'): Promise<void> {
    return this.#sockets.disconnectAll(reason);
  }

  /** Resolves with the first truthy value of `fn`, re-checked on every state change. */
  waitFor<T>(fn: () => T | undefined | null | false, options: { timeoutMs?: number } = {}): Promise<T> {
    return waitUntil(fn, {
      timeoutMs: options.timeoutMs ?? 5000,
      subscribe: (check) => {
        for (const event of CHANGE_EVENTS) this.on(event, check);
        return () => {
          for (const event of CHANGE_EVENTS) this.off(event, check);
        };
      },
      describe: () => describeMessages(this.#store.list()),
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([this.#sockets.close(), this.#console?.close()]);
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    await closed;
  }

  async #listen(port: number, host: string): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => resolve());
    });
    const address = this.#server.address() as AddressInfo;
    this.#url = `http://${host}:${address.port}`;
  }
}
