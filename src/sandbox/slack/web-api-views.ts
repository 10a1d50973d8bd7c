import { type ApiContext, type ApiHandler, type ApiResult, fail, str } from './api-types.ts';
import type { Args } from './http-util.ts';
import { type StoredView, viewJson } from './views.ts';

// Slack's limits: 100 blocks in a home tab or modal, 3000 characters of private_metadata.
const MAX_BLOCKS = 100;
const MAX_METADATA = 3000;

function checkView(args: Args, type: 'home' | 'modal'): Record<string, unknown> | string {
  const view = args.view;
  if (!view || typeof view !== 'object' || Array.isArray(view)) return 'invalid_arguments';
  const v = view as Record<string, unknown>;
  if (v.type !== type) return 'invalid_arguments';
  if (!Array.isArray(v.blocks) || v.blocks.length > MAX_BLOCKS) return 'invalid_blocks';
  if (typeof v.private_metadata === 'string' && v.private_metadata.length > MAX_METADATA) return 'invalid_arguments';
  if (type === 'modal' && !(v.title && typeof v.title === 'object')) return 'invalid_arguments';
  return v;
}

const answer = (ctx: ApiContext, stored: StoredView | string): ApiResult =>
  typeof stored === 'string'
    ? fail(stored)
    : { ok: true, view: viewJson(stored, ctx.workspace.team.id, ctx.workspace.bot.appId) };

const publish: ApiHandler = (args, ctx) => {
  const user = ctx.workspace.user(str(args, 'user_id') ?? '');
  if (!user) return fail('user_not_found');
  const view = checkView(args, 'home');
  if (typeof view === 'string') return fail(view);
  const hash = str(args, 'hash');
  const old = ctx.views.home(user.id);
  if (hash !== undefined && old && old.hash !== hash) return fail('hash_conflict');
  return answer(ctx, ctx.views.publish(user.id, view));
};

const open =
  (push: boolean): ApiHandler =>
  (args, ctx) => {
    const view = checkView(args, 'modal');
    if (typeof view === 'string') return fail(view);
    return answer(ctx, ctx.views.open(str(args, 'trigger_id') ?? '', view, push));
  };

const update: ApiHandler = (args, ctx) => {
  const viewId = str(args, 'view_id');
  const externalId = str(args, 'external_id');
  const found = viewId ? ctx.views.find(viewId) : undefined;
  const view = checkView(args, found?.type ?? 'modal');
  if (typeof view === 'string') return fail(view);
  const hash = str(args, 'hash');
  return answer(
    ctx,
    ctx.views.update(
      { ...(viewId ? { viewId } : {}), ...(externalId ? { externalId } : {}), ...(hash ? { hash } : {}) },
      view,
    ),
  );
};

export const VIEW_METHODS: Readonly<Record<string, ApiHandler>> = {
  'views.publish': publish,
  'views.open': open(false),
  'views.push': open(true),
  'views.update': update,
};
