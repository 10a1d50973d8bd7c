// One message as Slack draws it: avatar, author, time, body (blocks or text), files, thread link.
import { confirmDialog, mrkdwnText, renderBlocks } from './blocks.js';
import { h, str } from './dom.js';

const time = (ts) => new Date(Number(ts) * 1000);

function formatSize(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Who wrote it: the bot (by bot id), Slackbot for the console's own notices, or a workspace user. */
function author(message, view) {
  if (message.local) return { name: 'Slackbot', initials: 'sb', kind: 'slackbot', app: false };
  if (message.botId || message.user === view.bot.user)
    return { name: view.bot.name, initials: 'od', kind: 'bot', app: true };
  const user = view.users.get(message.user);
  const name = user ? user.realName || user.name : str(message.user) || 'unknown';
  const initials = name
    .split(/\s+/)
    .map((w) => w[0] ?? '')
    .join('')
    .slice(0, 2)
    .toLowerCase();
  return { name, initials, kind: `user-${(user?.index ?? 0) % 6}`, app: false };
}

function file(f) {
  // The server sends `/files/<id>`; anything else is not a link this page makes.
  const href = /^\/files\/[A-Za-z0-9]+$/.test(str(f.url)) ? f.url : undefined;
  return h(
    'div',
    { className: 'file', 'data-testid': 'file' },
    h(
      'div',
      { className: 'file-head' },
      h('span', { className: 'file-icon', 'aria-hidden': 'true' }, '📄'),
      h('a', { className: 'file-name', href, download: str(f.name) || 'file' }, str(f.title) || str(f.name)),
      h('span', { className: 'file-size' }, formatSize(Number(f.size) || 0)),
    ),
    f.preview ? h('pre', { className: 'file-preview' }, str(f.preview)) : null,
  );
}

/** What a click on a button does: ask first when the button has a confirm dialog, then send the action. */
function onButton(message, view) {
  return async (element, buttonEl) => {
    if (element.confirm && !(await confirmDialog(element.confirm, view))) return;
    buttonEl.disabled = true;
    try {
      await view.act(message, element);
    } finally {
      buttonEl.disabled = false;
    }
  };
}

/**
 * Builds the list item for `message`. `view` holds users, bot, names and isSelf for mrkdwn, `act` for
 * buttons, `replies` (a count) and `openThread` for the thread link, and `inThread` inside the thread pane.
 */
export function renderMessage(message, view) {
  const who = author(message, view);
  const at = time(message.ts);
  const ctx = { names: view.names, isSelf: view.isSelf, onButton: onButton(message, view) };
  const body = Array.isArray(message.blocks) && message.blocks.length > 0 ? renderBlocks(message.blocks, ctx) : null;
  const text = !body && message.text ? mrkdwnText(message.text, ctx, 'message-text') : null;
  const replies = view.replies ?? 0;
  return h(
    'li',
    { className: `message${message.ephemeralTo ? ' ephemeral' : ''}`, 'data-testid': 'message', 'data-ts': message.ts },
    h('div', { className: `avatar ${who.kind}`, 'aria-hidden': 'true' }, who.initials),
    h(
      'div',
      { className: 'message-main' },
      message.ephemeralTo
        ? h('div', { className: 'ephemeral-note', 'data-testid': 'ephemeral' }, '👁 Only visible to you')
        : null,
      h(
        'div',
        { className: 'message-head' },
        h('span', { className: 'author' }, who.name),
        who.app ? h('span', { className: 'app-badge' }, 'APP') : null,
        h(
          'time',
          { dateTime: at.toISOString(), title: at.toLocaleString() },
          at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }),
        ),
      ),
      body,
      text,
      (Array.isArray(message.files) ? message.files : []).map(file),
      message.edited ? h('span', { className: 'edited' }, '(edited)') : null,
      !view.inThread && replies > 0
        ? h(
            'button',
            {
              type: 'button',
              className: 'thread-link',
              'data-testid': 'thread-link',
              onclick: () => view.openThread(message),
            },
            `${replies} ${replies === 1 ? 'reply' : 'replies'}`,
          )
        : null,
    ),
    view.shortcuts && !message.ephemeralTo && !message.local
      ? h(
          'button',
          {
            type: 'button',
            className: 'reply-link shortcut-link',
            'data-testid': 'message-shortcuts',
            title: 'Shortcuts for this message',
            onclick: () => view.shortcuts(message),
          },
          '⚡',
        )
      : null,
    !view.inThread && !message.ephemeralTo && !message.local
      ? h(
          'button',
          {
            type: 'button',
            className: 'reply-link',
            'data-testid': 'reply-link',
            title: 'Reply in thread',
            onclick: () => view.openThread(message),
          },
          '💬',
        )
      : null,
  );
}
