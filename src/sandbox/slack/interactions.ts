import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { escapeCommandText } from './escape-text.ts';
import { findElement } from './find-element.ts';
import { type MessageStore, toSlackMessage } from './message-store.ts';
import type { ResponseUrls } from './response-urls.ts';
import { signSlackRequest } from './signing.ts';
import type { EnvelopeType, SocketModeServer } from './socket-mode.ts';
import type { Channel, User, Workspace } from './workspace.ts';

/** Ways to make a request look wrong, for testing the bot's verification. */
export interface SigningOverrides {
  /** X-Slack-Request-Timestamp in seconds (default: now), e.g. an old one to trip replay protection. */
  timestamp?: number;
  /** Sign with this secret instead of the configured one. */
  signingSecret?: string;
  /** Send this X-Slack-Signature as is instead of computing one. */
  signature?: string;
}

/** How Slack reaches the bot: a signed HTTP POST to its request URL, or an envelope over Socket Mode. */
export type Transport = 'http' | 'socket';

export interface DeliveryOptions {
  /** Default: `socket` when a Socket Mode connection is open and no bot URL is set, else `http`. */
  transport?: Transport;
  /**
   * Deliver the very same request (same `trigger_id`, same signature) this many times at once, as a retry or
   * a redelivery to another connection would; the first answer is returned. Default 1.
   */
  copies?: number;
}

export interface SlashCommandInput extends SigningOverrides, DeliveryOptions {
  user: string;
  channel: string;
  command: string;
  text?: string;
  /** Treat the text as Slack does for a command with `should_escape: true` (mentions become ids). */
  escape?: boolean;
}

export interface BlockActionInput extends SigningOverrides, DeliveryOptions {
  user: string;
  channel: string;
  messageTs: string;
  actionId: string;
  /** Defaults to the value of the button with this action_id on the stored message. */
  value?: string;
  /** Defaults to the block the button sits in. */
  blockId?: string;
}

export interface BotResponse {
  /** The HTTP status; over Socket Mode, 200 when acked within 3 s and 0 when not. */
  status: number;
  /** The response body; over Socket Mode, the ack's payload as JSON, or '' when it had none. */
  body: string;
  responseUrl: string;
  elapsedMs: number;
}

export interface InteractionDeps {
  workspace: Workspace;
  store: MessageStore;
  responseUrls: ResponseUrls;
  signingSecret: string;
  responseUrl: (id: string) => string;
  botUrl: () => string | undefined;
  sockets: Pick<SocketModeServer, 'count' | 'deliver'>;
  /** The emulator's clock (ms): request timestamps are stamped with it, as Slack stamps with its own. */
  now: () => number;
  /** Remembers who a trigger_id belongs to, so views.open can put the modal in front of them. */
  issueTrigger: (triggerId: string, user: string) => void;
}

/** A signed HTTP delivery exactly as sent, so a test can replay it the way an attacker would. */
interface SentRequest {
  rawBody: string;
  headers: Record<string, string>;
  responseUrl: string;
}

/** Slack sends the app's (legacy) verification token in every payload; Bolt ignores it. */
const VERIFICATION_TOKEN = 'sandbox-verification-token';

// Slack's shape: `<digits>.<digits>.<hex>`; random throughout, since each interaction's is unique.
const newTriggerId = (): string =>
  `${Math.floor(Math.random() * 1e13)}.${Math.floor(Math.random() * 1e12)}.${randomBytes(16).toString('hex')}`;

/** Builds, signs and posts slash commands and block actions to the bot the way Slack does. */
export class Interactions {
  readonly #deps: InteractionDeps;
  #last: SentRequest | undefined;

  constructor(deps: InteractionDeps) {
    this.#deps = deps;
  }

  /** A fresh trigger_id for an interaction by `user`: views.open takes it for 3 s. */
  triggerId(user: string): string {
    const id = newTriggerId();
    this.#deps.issueTrigger(id, user);
    return id;
  }

  /** A response_url for an interaction in a channel (message shortcuts carry one). */
  responseUrlFor(user: string, channel: string, messageTs?: string): string {
    const issued = this.#deps.responseUrls.issue({ channel, user, ...(messageTs ? { messageTs } : {}) });
    return this.#deps.responseUrl(issued);
  }

  /** Sends an interactive payload (view_submission, block_suggestion, shortcut…) the way Slack does. */
  async sendInteractive(
    payload: object,
    input: SigningOverrides & DeliveryOptions,
    responseUrl = '',
  ): Promise<BotResponse> {
    if (this.#transport(input) === 'socket') return this.#envelope('interactive', payload, responseUrl, input.copies);
    return this.#post(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), input, responseUrl);
  }

  /** Sends an Events API callback (`app_home_opened`…) as JSON, signed, or over Socket Mode. */
  async sendEvent(
    event: Record<string, unknown>,
    input: SigningOverrides & DeliveryOptions = {},
  ): Promise<BotResponse> {
    const { workspace, store } = this.#deps;
    const body = {
      token: VERIFICATION_TOKEN,
      team_id: workspace.team.id,
      api_app_id: workspace.bot.appId,
      event: { ...event, event_ts: store.nextTs() },
      type: 'event_callback',
      event_id: `Ev${randomBytes(5).toString('hex').toUpperCase()}`,
      event_time: Math.floor(this.#deps.now() / 1000),
      authorizations: [{ team_id: workspace.team.id, user_id: workspace.bot.userId, is_bot: true }],
    };
    if (this.#transport(input) === 'socket') return this.#envelope('events_api', body, '', input.copies);
    return this.#post(JSON.stringify(body), input, '', 'application/json');
  }

  async sendSlashCommand(input: SlashCommandInput): Promise<BotResponse> {
    const { workspace, responseUrls } = this.#deps;
    const user = this.#user(input.user);
    const channel = this.#channel(input.channel);
    const responseUrl = this.#deps.responseUrl(responseUrls.issue({ channel: channel.id, user: user.id }));
    const body = new URLSearchParams({
      token: VERIFICATION_TOKEN,
      team_id: workspace.team.id,
      team_domain: workspace.team.domain,
      channel_id: channel.id,
      channel_name: channel.name,
      user_id: user.id,
      user_name: user.name,
      command: input.command.startsWith('/') ? input.command : `/${input.command}`,
      text: input.escape ? escapeCommandText(input.text ?? '', workspace) : (input.text ?? ''),
      api_app_id: workspace.bot.appId,
      is_enterprise_install: 'false',
      response_url: responseUrl,
      trigger_id: this.triggerId(user.id),
    });
    if (this.#transport(input) === 'socket')
      return this.#envelope('slash_commands', Object.fromEntries(body), responseUrl, input.copies);
    return this.#post(body.toString(), input, responseUrl);
  }

  async sendBlockAction(input: BlockActionInput): Promise<BotResponse> {
    const { workspace, store, responseUrls } = this.#deps;
    const user = this.#user(input.user);
    const channel = this.#channel(input.channel);
    const message = store.find(channel.id, input.messageTs);
    const found = message ? findElement(message.blocks, input.actionId) : undefined;
    const text = found?.element.text as { text?: unknown } | undefined;
    const responseUrl = this.#deps.responseUrl(
      responseUrls.issue({ channel: channel.id, user: user.id, messageTs: input.messageTs }),
    );
    const isEphemeral = message?.ephemeralTo !== undefined;
    const payload = {
      type: 'block_actions',
      user: { id: user.id, username: user.name, name: user.name, team_id: workspace.team.id },
      api_app_id: workspace.bot.appId,
      token: VERIFICATION_TOKEN,
      container: { type: 'message', message_ts: input.messageTs, channel_id: channel.id, is_ephemeral: isEphemeral },
      trigger_id: this.triggerId(user.id),
      team: { id: workspace.team.id, domain: workspace.team.domain },
      enterprise: null,
      is_enterprise_install: false,
      channel: { id: channel.id, name: channel.name },
      // Slack leaves the message out of payloads from ephemeral messages.
      ...(message && !isEphemeral ? { message: toSlackMessage(message, workspace.team.id) } : {}),
      state: { values: {} },
      response_url: responseUrl,
      actions: [
        {
          type: typeof found?.element.type === 'string' ? found.element.type : 'button',
          action_id: input.actionId,
          block_id: input.blockId ?? found?.blockId ?? randomBytes(3).toString('base64url'),
          text: { type: 'plain_text', text: typeof text?.text === 'string' ? text.text : input.actionId, emoji: true },
          value: input.value ?? found?.element.value,
          action_ts: store.nextTs(),
        },
      ],
    };
    if (this.#transport(input) === 'socket') return this.#envelope('interactive', payload, responseUrl, input.copies);
    const body = new URLSearchParams({ payload: JSON.stringify(payload) });
    return this.#post(body.toString(), input, responseUrl);
  }

  #transport(input: DeliveryOptions): Transport {
    const { sockets, botUrl } = this.#deps;
    return input.transport ?? (sockets.count() > 0 && botUrl() === undefined ? 'socket' : 'http');
  }

  /** Socket Mode carries the same payload, unsigned: the app authenticated when it opened the socket. */
  async #envelope(type: EnvelopeType, payload: object, responseUrl: string, copies = 1): Promise<BotResponse> {
    const started = performance.now();
    const acks = Array.from({ length: copies }, () => this.#deps.sockets.deliver(type, payload));
    const ack = (await Promise.all(acks))[0]!;
    const body = ack.payload === undefined ? '' : JSON.stringify(ack.payload);
    return { status: ack.acked ? 200 : 0, body, responseUrl, elapsedMs: performance.now() - started };
  }

  async #post(
    rawBody: string,
    overrides: SigningOverrides & DeliveryOptions,
    responseUrl: string,
    contentType = 'application/x-www-form-urlencoded',
  ): Promise<BotResponse> {
    const botUrl = this.#deps.botUrl();
    if (botUrl === undefined) throw new Error('SlackEmulator: no bot URL; pass botUrl to start() or call setBotUrl()');
    const timestamp = overrides.timestamp ?? Math.floor(this.#deps.now() / 1000);
    const signature =
      overrides.signature ?? signSlackRequest(overrides.signingSecret ?? this.#deps.signingSecret, timestamp, rawBody);
    const headers = {
      'content-type': contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signature,
    };
    const sent = { rawBody, headers, responseUrl };
    this.#last = sent;
    const answers = Array.from({ length: overrides.copies ?? 1 }, () => this.#send(botUrl, sent));
    return (await Promise.all(answers))[0]!;
  }

  /** Sends the last signed HTTP request again, byte for byte: a replay within the signature window. */
  async replayLast(): Promise<BotResponse> {
    const botUrl = this.#deps.botUrl();
    if (!this.#last || botUrl === undefined) throw new Error('SlackEmulator: nothing was sent over HTTP yet');
    return this.#send(botUrl, this.#last);
  }

  async #send(botUrl: string, sent: SentRequest): Promise<BotResponse> {
    const started = performance.now();
    const res = await fetch(botUrl, { method: 'POST', headers: sent.headers, body: sent.rawBody });
    const body = await res.text();
    return { status: res.status, body, responseUrl: sent.responseUrl, elapsedMs: performance.now() - started };
  }

  #user(id: string): User {
    const user = this.#deps.workspace.user(id);
    if (!user) throw new Error(`SlackEmulator: unknown user ${id}`);
    return user;
  }

  #channel(ref: string): Channel {
    const channel = this.#deps.workspace.resolveChannel(ref);
    if (!channel) throw new Error(`SlackEmulator: unknown channel ${ref}`);
    return channel;
  }
}
