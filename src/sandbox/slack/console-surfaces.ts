import type { ConsoleHost } from './console-api.ts';
import { BadRequest, type Body, optionalString, requireString } from './console-validate.ts';
import type { ViewValues } from './surfaces.ts';
import type { StoredView } from './views.ts';

/** The console's APIs for App Home, modals and shortcuts. */
export const SURFACE_APIS = ['views', 'home', 'submit', 'close', 'viewaction', 'suggest', 'shortcut'];

type Reply = [status: number, body: Record<string, unknown>];
type ToBot = (send: () => Promise<{ status: number }>) => Promise<Reply>;

/** What the page draws of a view: the app's JSON and any errors from the last submission. */
const shown = (view: StoredView | undefined) =>
  view ? { id: view.id, view: view.view, ...(view.errors ? { errors: view.errors } : {}) } : null;

function values(body: Body): ViewValues {
  const given = body.values ?? {};
  if (typeof given !== 'object' || given === null || Array.isArray(given))
    throw new BadRequest('values must be an object');
  const out: ViewValues = {};
  for (const [key, value] of Object.entries(given)) {
    const ok =
      typeof value === 'string' ||
      typeof value === 'boolean' ||
      (Array.isArray(value) && value.every((v) => typeof v === 'string'));
    if (!ok) throw new BadRequest(`values.${key} must be a string, a boolean or a list of strings`);
    out[key] = value as ViewValues[string];
  }
  return out;
}

/**
 * App Home, modals and shortcuts for the person the page acts as: `views` reads their home and open modal,
 * the others send what Slack would send the bot (app_home_opened, view_submission, block_suggestion, …).
 */
export async function surfaceApi(
  host: ConsoleHost,
  name: string,
  body: Body,
  who: { user: string; channel: string | undefined },
  toBot: ToBot,
): Promise<Reply> {
  const { user, channel } = who;
  switch (name) {
    case 'views':
      return [200, { ok: true, home: shown(host.home(user)), modal: shown(host.modal(user)) }];
    case 'home':
      return toBot(() => host.openHome(user));
    case 'submit':
      if (!host.modal(user)) return [404, { ok: false, error: 'no_modal', message: 'No form is open' }];
      return toBot(() => host.submitView({ user, values: values(body) }));
    case 'close':
      host.closeModal(user);
      return [200, { ok: true }];
    case 'viewaction': {
      const surface = requireString(body, 'surface');
      if (surface !== 'home' && surface !== 'modal') throw new BadRequest('surface must be home or modal');
      const actionId = requireString(body, 'actionId');
      const value = optionalString(body, 'value');
      return toBot(() => host.sendViewAction({ user, surface, actionId, ...(value === undefined ? {} : { value }) }));
    }
    case 'suggest': {
      if (!host.modal(user)) return [404, { ok: false, error: 'no_modal', message: 'No form is open' }];
      const options = await host.suggest({
        user,
        actionId: requireString(body, 'actionId'),
        value: typeof body.value === 'string' ? body.value : '',
        values: values(body),
      });
      return [200, { ok: true, options }];
    }
    case 'shortcut': {
      const callbackId = requireString(body, 'callbackId');
      const messageTs = optionalString(body, 'messageTs');
      if (messageTs === undefined) return toBot(() => host.sendShortcut({ user, callbackId }));
      if (!channel) throw new BadRequest('a message shortcut needs the message’s channel');
      return toBot(() => host.sendMessageAction({ user, channel, messageTs, callbackId }));
    }
    default:
      return [404, { ok: false, error: 'not_found', message: `No console API ${name}` }];
  }
}
