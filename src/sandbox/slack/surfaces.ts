import { randomBytes } from 'node:crypto';
import { findElement } from './find-element.ts';
import type { BotResponse, DeliveryOptions, Interactions, SigningOverrides } from './interactions.ts';
import { type MessageStore, toSlackMessage } from './message-store.ts';
import { type StoredView, type ViewStore, viewJson } from './views.ts';
import type { User, Workspace } from './workspace.ts';

type Options = SigningOverrides & DeliveryOptions;

/** What a person entered in a modal: by action_id, a text or a selected option's value (or several). */
export type ViewValues = Record<string, string | string[] | boolean | undefined>;

export interface ViewSubmissionInput extends Options {
  user: string;
  values?: ViewValues;
}

export interface ViewActionInput extends Options {
  user: string;
  /** A button in the user's App Home (`home`) or in the modal in front of them (`modal`). */
  surface: 'home' | 'modal';
  actionId: string;
  value?: string;
}

export interface SuggestionInput extends Options {
  user: string;
  actionId: string;
  /** What the person has typed so far. */
  value: string;
  /** What the modal's other fields hold at that moment (the service picked before the ref). */
  values?: ViewValues;
}

export interface ShortcutInput extends Options {
  user: string;
  callbackId: string;
}

export interface MessageActionInput extends ShortcutInput {
  channel: string;
  messageTs: string;
}

interface SurfaceDeps {
  workspace: Workspace;
  store: MessageStore;
  views: ViewStore;
  interactions: Interactions;
}

const userJson = (u: User, team: string) => ({ id: u.id, username: u.name, name: u.name, team_id: team });

/**
 * The payloads of Slack's newer surfaces, built from what the emulator stores: App Home opened, view
 * submissions with their `state.values`, external-select suggestions, global and message shortcuts.
 */
export class Surfaces {
  readonly #deps: SurfaceDeps;

  constructor(deps: SurfaceDeps) {
    this.#deps = deps;
  }

  openHome(user: string, options: Options = {}): Promise<BotResponse> {
    const u = this.#user(user);
    const home = this.#deps.views.home(u.id);
    const { team } = this.#deps.workspace;
    const event = {
      type: 'app_home_opened',
      user: u.id,
      channel: this.#deps.workspace.resolveChannel(u.id)?.id ?? '',
      tab: 'home',
      ...(home ? { view: viewJson(home, team.id, this.#deps.workspace.bot.appId) } : {}),
    };
    return this.#deps.interactions.sendEvent(event, options);
  }

  /** Submits the modal in front of the user; what the bot answers decides whether it closes. */
  async submit(input: ViewSubmissionInput): Promise<BotResponse> {
    const u = this.#user(input.user);
    const modal = this.#modal(u.id);
    const payload = {
      type: 'view_submission',
      ...this.#common(u),
      trigger_id: this.#deps.interactions.triggerId(u.id),
      view: this.#viewJson(modal, input.values ?? {}),
      response_urls: [],
    };
    const res = await this.#deps.interactions.sendInteractive(payload, input);
    this.#deps.views.answered(u.id, parseAnswer(res.body));
    return res;
  }

  /** Closes the modal in front of the user, as the Cancel button or the × does. */
  close(user: string): void {
    this.#deps.views.close(this.#user(user).id, false);
  }

  /** A button click inside the App Home or a modal: block_actions with a view container and no channel. */
  async action(input: ViewActionInput): Promise<BotResponse> {
    const u = this.#user(input.user);
    const view = input.surface === 'home' ? this.#deps.views.home(u.id) : this.#deps.views.modal(u.id);
    if (!view) throw new Error(`SlackEmulator: ${input.user} has no ${input.surface} open`);
    const blocks = Array.isArray(view.view.blocks) ? (view.view.blocks as unknown[]) : [];
    const found = findElement(blocks, input.actionId);
    if (!found) throw new Error(`SlackEmulator: no ${input.actionId} in ${input.user}'s ${input.surface}`);
    const payload = {
      type: 'block_actions',
      ...this.#common(u),
      container: { type: 'view', view_id: view.id },
      trigger_id: this.#deps.interactions.triggerId(u.id),
      view: this.#viewJson(view, {}),
      actions: [
        {
          type: typeof found.element.type === 'string' ? found.element.type : 'button',
          action_id: input.actionId,
          block_id: found.blockId ?? randomBytes(3).toString('base64url'),
          value: input.value ?? found.element.value,
          action_ts: this.#deps.store.nextTs(),
        },
      ],
    };
    return this.#deps.interactions.sendInteractive(payload, input);
  }

  /** Asks the bot for an external select's options; resolves with them as `{ text, value }`. */
  async suggest(input: SuggestionInput): Promise<{ text: string; value: string }[]> {
    const u = this.#user(input.user);
    const modal = this.#modal(u.id);
    const blocks = Array.isArray(modal.view.blocks) ? (modal.view.blocks as unknown[]) : [];
    const found = findElement(blocks, input.actionId);
    const payload = {
      type: 'block_suggestion',
      ...this.#common(u),
      container: { type: 'view', view_id: modal.id },
      action_id: input.actionId,
      block_id: found?.blockId ?? '',
      value: input.value,
      view: this.#viewJson(modal, input.values ?? {}),
    };
    const res = await this.#deps.interactions.sendInteractive(payload, input);
    const answer = parseAnswer(res.body) as { options?: { text?: { text?: string }; value?: string }[] } | undefined;
    return (answer?.options ?? []).map((o) => ({ text: o.text?.text ?? '', value: o.value ?? '' }));
  }

  shortcut(input: ShortcutInput): Promise<BotResponse> {
    const u = this.#user(input.user);
    const payload = {
      type: 'shortcut',
      ...this.#common(u),
      callback_id: input.callbackId,
      trigger_id: this.#deps.interactions.triggerId(u.id),
      action_ts: this.#deps.store.nextTs(),
    };
    return this.#deps.interactions.sendInteractive(payload, input);
  }

  messageAction(input: MessageActionInput): Promise<BotResponse> {
    const { workspace, store, interactions } = this.#deps;
    const u = this.#user(input.user);
    const channel = workspace.resolveChannel(input.channel);
    const message = channel ? store.find(channel.id, input.messageTs) : undefined;
    if (!channel || !message) throw new Error(`SlackEmulator: no message ${input.messageTs} in ${input.channel}`);
    const responseUrl = interactions.responseUrlFor(u.id, channel.id, message.ts);
    const payload = {
      type: 'message_action',
      ...this.#common(u),
      callback_id: input.callbackId,
      trigger_id: interactions.triggerId(u.id),
      action_ts: store.nextTs(),
      message_ts: message.ts,
      channel: { id: channel.id, name: channel.name },
      message: toSlackMessage(message, workspace.team.id),
      response_url: responseUrl,
    };
    return interactions.sendInteractive(payload, input, responseUrl);
  }

  #common(u: User) {
    const { team, bot } = this.#deps.workspace;
    return {
      user: userJson(u, team.id),
      team: { id: team.id, domain: team.domain },
      api_app_id: bot.appId,
      token: 'sandbox-verification-token',
      enterprise: null,
      is_enterprise_install: false,
    };
  }

  #viewJson(view: StoredView, values: ViewValues): Record<string, unknown> {
    const { team, bot } = this.#deps.workspace;
    return viewJson(view, team.id, bot.appId, stateValues(view, values));
  }

  #modal(user: string): StoredView {
    const modal = this.#deps.views.modal(user);
    if (!modal) throw new Error(`SlackEmulator: ${user} has no modal open`);
    return modal;
  }

  #user(id: string): User {
    const user = this.#deps.workspace.user(id);
    if (!user) throw new Error(`SlackEmulator: unknown user ${id}`);
    return user;
  }
}

/** `state.values` as Slack builds it: every input block's element, by block id and action id, typed. */
function stateValues(view: StoredView, given: ViewValues): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  const blocks = Array.isArray(view.view.blocks) ? (view.view.blocks as Record<string, unknown>[]) : [];
  for (const block of blocks) {
    const element = block.element as Record<string, unknown> | undefined;
    if (block.type !== 'input' || !element || typeof element.action_id !== 'string') continue;
    const blockId = typeof block.block_id === 'string' ? block.block_id : element.action_id;
    // A test or the console may name a field by its block or its element.
    out[blockId] = { [element.action_id]: elementState(element, given[blockId] ?? given[element.action_id]) };
  }
  return out;
}

function elementState(element: Record<string, unknown>, given: ViewValues[string]): Record<string, unknown> {
  const type = String(element.type);
  const option = (value: string) => {
    const listed = Array.isArray(element.options)
      ? (element.options as { value?: string; text?: unknown }[]).find((o) => o.value === value)
      : undefined;
    return { text: listed?.text ?? { type: 'plain_text', text: value }, value };
  };
  if (type === 'plain_text_input') return { type, value: typeof given === 'string' ? given : null };
  if (type === 'checkboxes') {
    const picked =
      given === true ? ((element.options as { value: string }[] | undefined) ?? []).map((o) => o.value) : given;
    return { type, selected_options: (Array.isArray(picked) ? picked : []).map(option) };
  }
  if (type === 'conversations_select') return { type, selected_conversation: typeof given === 'string' ? given : null };
  if (type === 'static_select' || type === 'external_select' || type === 'radio_buttons') {
    return { type, selected_option: typeof given === 'string' ? option(given) : null };
  }
  return { type, value: typeof given === 'string' ? given : null };
}

function parseAnswer(body: string): Record<string, unknown> | undefined {
  if (!body.trim()) return undefined;
  try {
    const parsed = JSON.parse(body) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
