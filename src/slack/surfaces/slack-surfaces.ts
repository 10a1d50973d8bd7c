import type { App, RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Catalog } from '../../core/catalog.ts';
import { ACTION_REJECT } from '../../core/changes/request-view.ts';
import { MAX_REASON } from '../../core/changes/approvals.ts';
import type { CommandNames } from '../../core/command-names.ts';
import type { Dispatcher } from '../../core/dispatch.ts';
import { envsOf } from '../../core/home/targets.ts';
import type { Permissions, ResolvedRoles } from '../../core/policy.ts';
import type { Redactor } from '../../core/redact.ts';
import type { Replier } from '../../ports/chat.ts';
import type { Logger } from '../../ports/logger.ts';
import { blockFor, commandText, field } from './form-values.ts';
import { FORM_CALLBACK, type FormFamily, formView, isFormFamily, REF_ACTION, readMetadata } from './forms.ts';
import { responseUrlReplier } from '../replier.ts';
import type { HomePublisher } from './home-publisher.ts';
import { runbookQuery } from './runbook-query.ts';
import { webReplier } from './web-replier.ts';

export const DEPLOY_SHORTCUT = 'opsdeck.shortcut.deploy';
export const RUNBOOK_SHORTCUT = 'opsdeck.shortcut.runbook';
const REJECT_CALLBACK = 'opsdeck.reject';
// Slack shows at most 100 options in a select.
const MAX_OPTIONS = 100;

export interface SurfaceDeps {
  dispatcher: Pick<Dispatcher, 'dispatch' | 'click' | 'precheck'>;
  names: CommandNames;
  catalog: Catalog;
  permissions: Permissions & { resolve(userId: string): Promise<ResolvedRoles> };
  homes: HomePublisher;
  /** Recent tags and branches of a service's repository that contain `query`, newest first. */
  refs(service: string, query: string): Promise<string[]>;
  redactor: Redactor;
  log: Logger;
  /** Claims a delivery by its trigger_id: a retried submission runs once. */
  once(key: string | undefined): Promise<boolean>;
}

type Values = Record<string, Record<string, Record<string, unknown>>>;
const plain = (text: string) => ({ type: 'plain_text', text, emoji: true });

/**
 * App Home, the command forms, the reject-with-a-reason modal and the shortcuts. Every one of them ends in
 * the dispatcher, as a slash command or a click would: no second way to authorize or run anything.
 */
export class SlackSurfaces {
  readonly #deps: SurfaceDeps;

  constructor(deps: SurfaceDeps) {
    this.#deps = deps;
  }

  register(app: App): void {
    const { homes, log } = this.#deps;
    app.event('app_home_opened', async ({ event }) => {
      if (event.tab === 'home' && event.user) homes.opened(event.user);
    });
    app.view({ callback_id: FORM_CALLBACK, type: 'view_submission' }, async ({ ack, body, view, client }) => {
      const meta = readMetadata(view.private_metadata);
      if (!meta)
        return void (await ack({ response_action: 'errors', errors: { service: 'This form is out of date.' } }));
      const values = view.state.values as unknown as Values;
      const channel = meta.channel ?? field(values, 'channel') ?? '';
      const text = commandText(meta.family, values);
      const inv = { family: meta.family, text, userId: body.user.id, channelId: channel };
      const problem = await this.#deps.dispatcher.precheck(inv).catch((err: unknown) => {
        log.warn({ err }, 'could not check a form before running it');
        return undefined;
      });
      if (problem) {
        const errors = { [blockFor(meta.family, problem)]: problem.slice(0, 2000) };
        return void (await ack({ response_action: 'errors', errors }));
      }
      await ack();
      if (!(await this.#deps.once(triggerOf(body)))) return;
      void this.#deps.dispatcher.dispatch({ ...inv, reply: this.#reply(client, body.user.id, channel) });
    });
    app.view({ callback_id: REJECT_CALLBACK, type: 'view_submission' }, async ({ ack, body, view, client }) => {
      await ack();
      if (!(await this.#deps.once(triggerOf(body)))) return;
      const meta = rejectMetadata(view.private_metadata);
      if (!meta) return;
      const reason = field(view.state.values as unknown as Values, 'reason') ?? '';
      void this.#deps.dispatcher.click({
        actionId: ACTION_REJECT,
        value: meta.requestId,
        userId: body.user.id,
        channelId: meta.channel ?? '',
        messageTs: meta.messageTs,
        reply: this.#reply(client, body.user.id, meta.channel),
        input: reason,
      });
    });
    app.options(REF_ACTION, async ({ ack, body }) => {
      const state = (body as { view?: { state?: { values?: Values } } }).view?.state?.values;
      const service = field(state, 'service');
      const query = String((body as { value?: unknown }).value ?? '');
      const refs = service ? await this.#refsFor(body.user.id, service, query) : [];
      // What was typed is always offered too: a sha or a tag too new for the list still deploys.
      const typed = /^[\w./@+-]{1,200}$/.test(query) && !refs.includes(query) ? [query] : [];
      const options = [...typed, ...refs].slice(0, MAX_OPTIONS).map((ref) => ({ text: plain(ref), value: ref }));
      await ack({ options } as Parameters<typeof ack>[0]);
    });
    app.shortcut(DEPLOY_SHORTCUT, async ({ ack, shortcut, client }) => {
      await ack();
      if (!(await this.#deps.once(shortcut.trigger_id))) return;
      const reply = webReplier(client, this.#deps.redactor, { user: shortcut.user.id });
      await this.openForm(client, 'deploy', shortcut.trigger_id, shortcut.user.id, undefined, reply);
    });
    app.shortcut(RUNBOOK_SHORTCUT, async ({ ack, shortcut, respond, client }) => {
      await ack();
      if (shortcut.type !== 'message_action') return;
      if (!(await this.#deps.once(shortcut.trigger_id))) return;
      const channel = shortcut.channel.id;
      const text = runbookQuery(String(shortcut.message.text ?? ''));
      const reply = respond ? this.#responder(respond) : this.#reply(client, shortcut.user.id, channel);
      void this.#deps.dispatcher.dispatch({
        family: 'runbook',
        text,
        userId: shortcut.user.id,
        channelId: channel,
        reply,
      });
    });
  }

  /**
   * A slash command with no words opens its form instead, when it has one: within Slack's 3 s for the
   * trigger_id. Returns false when the command has no form (it then runs as typed).
   */
  async commandForm(
    typed: string,
    triggerId: string,
    user: string,
    channel: string,
    client: WebClient,
    reply: Replier,
  ): Promise<boolean> {
    const family = this.#deps.names.family(typed);
    if (!family || !isFormFamily(family)) return false;
    await this.openForm(client, family, triggerId, user, channel, reply);
    return true;
  }

  /** Reject opens a modal asking why; the rejection itself happens on submit, checked again then. */
  async rejectForm(
    client: WebClient,
    triggerId: string,
    requestId: string,
    where: { channel?: string; messageTs?: string },
  ): Promise<void> {
    const meta = JSON.stringify({ requestId, ...where });
    await client.views.open({
      trigger_id: triggerId,
      view: {
        type: 'modal',
        callback_id: REJECT_CALLBACK,
        private_metadata: meta,
        title: plain('Reject request'),
        submit: plain('Reject'),
        close: plain('Cancel'),
        blocks: [
          {
            type: 'input',
            block_id: 'reason',
            label: plain('Why?'),
            element: { type: 'plain_text_input', action_id: 'reason', multiline: true, max_length: MAX_REASON },
            hint: plain('Shown on the request and kept in the audit log.'),
          },
        ],
      },
    } as Parameters<WebClient['views']['open']>[0]);
  }

  async openForm(
    client: WebClient,
    family: FormFamily,
    triggerId: string,
    user: string,
    channel: string | undefined,
    reply: Replier,
  ): Promise<void> {
    const { catalog, permissions, names } = this.#deps;
    const { roles } = await permissions.resolve(user);
    const view = formView(family, { family, channel }, { catalog, permissions, roles, slash: names.slash(family) });
    if (!view) {
      await reply.ephemeral({
        text: `You may not run ${names.slash(family)} anywhere: ask for a role in opsdeck.yaml.`,
      });
      return;
    }
    await client.views.open({ trigger_id: triggerId, view } as unknown as Parameters<WebClient['views']['open']>[0]);
  }

  async #refsFor(user: string, service: string, query: string): Promise<string[]> {
    const { permissions, catalog } = this.#deps;
    if (!catalog.services[service]) return [];
    const { roles } = await permissions.resolve(user);
    // Refs are offered to those who may deploy the service somewhere, like the form's own pickers.
    if (!envsOf(catalog, service).some((env) => permissions.allows(roles, { verb: 'deploy', service, env }))) return [];
    return this.#deps.refs(service, query).catch((err: unknown) => {
      this.#deps.log.warn({ err, service }, 'could not list refs for a form');
      return [];
    });
  }

  #reply(client: WebClient, user: string, channel: string | undefined): Replier {
    return webReplier(client, this.#deps.redactor, { user, channel });
  }

  #responder(respond: RespondFn): Replier {
    return responseUrlReplier(respond, this.#deps.redactor);
  }
}

/** A submission's trigger_id, unique per delivery: what a retry repeats. */
const triggerOf = (body: object): string | undefined =>
  'trigger_id' in body && typeof body.trigger_id === 'string' ? body.trigger_id : undefined;

function rejectMetadata(raw: string): { requestId: string; channel?: string; messageTs?: string } | undefined {
  try {
    const parsed = JSON.parse(raw) as Record<string, unknown>;
    if (typeof parsed.requestId !== 'string') return undefined;
    return {
      requestId: parsed.requestId,
      ...(typeof parsed.channel === 'string' ? { channel: parsed.channel } : {}),
      ...(typeof parsed.messageTs === 'string' ? { messageTs: parsed.messageTs } : {}),
    };
  } catch {
    return undefined;
  }
}
