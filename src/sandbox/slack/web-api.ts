import { type ApiContext, type ApiHandler, fail, flag, str } from './api-types.ts';
import type { Args } from './http-util.ts';
import { type StoredMessage, toSlackMessage } from './message-store.ts';
import { FILE_METHODS } from './web-api-files.ts';
import { VIEW_METHODS } from './web-api-views.ts';

/** Text and blocks as chat.* methods take them; Slack refuses a message with neither. */
function content(args: Args): { text: string; blocks: unknown[] } | { error: string } {
  const blocks = args.blocks ?? [];
  if (!Array.isArray(blocks)) return { error: 'invalid_blocks_format' };
  const text = str(args, 'text') ?? '';
  if (text === '' && blocks.length === 0) return { error: 'no_text' };
  return { text, blocks };
}

function fromBot(ctx: ApiContext): Pick<StoredMessage, 'user' | 'botId' | 'source'> {
  return { ...ctx.workspace.botAuthor, source: 'api' };
}

const postMessage: ApiHandler = (args, ctx) => {
  const channel = ctx.workspace.resolveChannel(str(args, 'channel') ?? '');
  if (!channel) return fail('channel_not_found');
  const body = content(args);
  if ('error' in body) return fail(body.error);
  const threadTs = str(args, 'thread_ts');
  const m = ctx.store.add({ channel: channel.id, ...body, ...(threadTs ? { threadTs } : {}), ...fromBot(ctx) });
  return { ok: true, channel: m.channel, ts: m.ts, message: toSlackMessage(m, ctx.workspace.team.id) };
};

const postEphemeral: ApiHandler = (args, ctx) => {
  const channel = ctx.workspace.resolveChannel(str(args, 'channel') ?? '');
  if (!channel) return fail('channel_not_found');
  const user = ctx.workspace.user(str(args, 'user') ?? '');
  if (!user) return fail('user_not_found');
  const body = content(args);
  if ('error' in body) return fail(body.error);
  const threadTs = str(args, 'thread_ts');
  const m = ctx.store.add({
    channel: channel.id,
    ...body,
    ephemeralTo: user.id,
    ...(threadTs ? { threadTs } : {}),
    ...fromBot(ctx),
  });
  return { ok: true, message_ts: m.ts };
};

const update: ApiHandler = (args, ctx) => {
  const channel = ctx.workspace.resolveChannel(str(args, 'channel') ?? '');
  if (!channel) return fail('channel_not_found');
  const m = ctx.store.find(channel.id, str(args, 'ts') ?? '');
  // Slack cannot address ephemeral messages through chat.update; only their response_url can.
  if (!m || m.deleted || m.ephemeralTo !== undefined) return fail('message_not_found');
  if (m.botId !== ctx.workspace.bot.botId) return fail('cant_update_message');
  const blocks = args.blocks;
  if (blocks !== undefined && !Array.isArray(blocks)) return fail('invalid_blocks_format');
  const text = str(args, 'text');
  if (text === undefined && blocks === undefined) return fail('no_text');
  ctx.store.update(m, {
    ...(text === undefined ? {} : { text }),
    ...(blocks === undefined ? {} : { blocks }),
    edited: true,
  });
  return { ok: true, channel: m.channel, ts: m.ts, text: m.text, message: toSlackMessage(m, ctx.workspace.team.id) };
};

const usersInfo: ApiHandler = (args, ctx) => {
  const user = ctx.workspace.user(str(args, 'user') ?? '');
  if (!user) return fail('user_not_found');
  const profile = { display_name: user.name, real_name: user.realName };
  return {
    ok: true,
    user: {
      id: user.id,
      team_id: ctx.workspace.team.id,
      name: user.name,
      real_name: user.realName,
      tz: user.tz,
      deleted: false,
      is_bot: user.isBot,
      profile: user.isBot ? { ...profile, bot_id: ctx.workspace.bot.botId } : profile,
    },
  };
};

const usergroupsList: ApiHandler = (args, ctx) => {
  const includeUsers = flag(args, 'include_users');
  const usergroups = ctx.workspace.usergroups.map((g) => ({
    id: g.id,
    team_id: ctx.workspace.team.id,
    handle: g.handle,
    name: g.name,
    user_count: g.users.length,
    ...(includeUsers ? { users: [...g.users] } : {}),
  }));
  return { ok: true, usergroups };
};

const usergroupUsers: ApiHandler = (args, ctx) => {
  const group = ctx.workspace.usergroup(str(args, 'usergroup') ?? '');
  return group ? { ok: true, users: [...group.users] } : fail('no_such_subteam');
};

const conversationsInfo: ApiHandler = (args, ctx) => {
  const channel = ctx.workspace.resolveChannel(str(args, 'channel') ?? '');
  if (!channel) return fail('channel_not_found');
  const isIm = channel.imUser !== undefined;
  return {
    ok: true,
    channel: {
      id: channel.id,
      name: channel.name,
      is_channel: !isIm,
      is_im: isIm,
      is_private: channel.isPrivate,
      ...(isIm ? { user: channel.imUser } : {}),
    },
  };
};

const authTest: ApiHandler = (_args, ctx) => {
  const { team, bot } = ctx.workspace;
  return {
    ok: true,
    url: `https://${team.domain}.slack.com/`,
    team: team.name,
    user: bot.name,
    team_id: team.id,
    user_id: bot.userId,
    bot_id: bot.botId,
    is_enterprise_install: false,
  };
};

export const API_METHODS: Readonly<Record<string, ApiHandler>> = {
  'auth.test': authTest,
  'chat.postMessage': postMessage,
  'chat.postEphemeral': postEphemeral,
  'chat.update': update,
  'users.info': usersInfo,
  'usergroups.list': usergroupsList,
  'usergroups.users.list': usergroupUsers,
  'conversations.info': conversationsInfo,
  ...FILE_METHODS,
  ...VIEW_METHODS,
};
