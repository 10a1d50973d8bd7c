// The console page: who you are, where you are, the channel, the open thread, and the API calls behind them.
import { attachComposer } from './composer.js';
import { renderControls } from './controls.js';
import { h, keepAtBottom, syncList } from './dom.js';
import { renderMessage } from './messages.js';
import { compareTs, createStore, isTopLevel, messageKey, visibleTo } from './store.js';
import { createSurfaces } from './surfaces.js';

const $ = (testid) => document.querySelector(`[data-testid="${testid}"]`);
const saved = (k) => {
  try {
    return localStorage.getItem(k);
  } catch {
    return null;
  }
};
const save = (k, v) => {
  try {
    localStorage.setItem(k, v);
  } catch {
    /* private mode: just not remembered */
  }
};

const ui = {
  user: saved('opsdeck.console.user'),
  channel: saved('opsdeck.console.channel'),
  thread: null,
  unread: new Set(),
  home: false,
};
const { store, connect, addLocal } = createStore(onChange);
const surfaces = createSurfaces({
  post: (api, body) => post(api, { user: ui.user, ...body }),
  channel: () => ui.channel,
  channels: () => [...store.channels.values()],
  // Read when drawing, after `names` below is defined.
  get names() {
    return names;
  },
  isSelf: (id) => id === ui.user,
  notify: (text) => addLocal({ channel: ui.channel, user: ui.user, text }),
});
let controlsDrawn = false;

async function post(path, body) {
  try {
    const response = await fetch(`/console/api/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { ok: response.ok, body: await response.json() };
  } catch (error) {
    return { ok: false, body: { message: `The sandbox did not answer (${error.message}).` } };
  }
}

/** Tells the person, as Slack would, when the bot refused or missed what they sent. */
function reportFailure(what, result, where) {
  let text;
  if (!result.ok) text = result.body.message ?? `${what} failed.`;
  else if (result.body.status === 0) text = `${what} failed: opsdeck did not acknowledge it within 3 seconds.`;
  else if (result.body.status >= 300) text = `${what} failed: opsdeck answered HTTP ${result.body.status}.`;
  if (text) addLocal({ ...where, user: ui.user, text });
}

/** Sends to the current channel, or as a reply to `thread` (which may be in another channel). */
async function send(text, thread) {
  const where = thread ? { channel: thread.channel, threadTs: thread.ts } : { channel: ui.channel };
  const result = await post('command', { user: ui.user, text, ...where });
  reportFailure(text.split(/\s/)[0], result, where);
}

async function act(message, element) {
  const body = { user: ui.user, channel: message.channel, messageTs: message.ts, actionId: element.action_id };
  const result = await post('action', typeof element.value === 'string' ? { ...body, value: element.value } : body);
  const threadTs = isTopLevel(message) ? undefined : message.threadTs;
  reportFailure('That button', result, { channel: message.channel, ...(threadTs ? { threadTs } : {}) });
}

function openThread(message) {
  ui.thread = { channel: message.channel, ts: message.ts };
  // The pane narrows the channel and its text reflows; stay at the newest message if that is where we were.
  keepAtBottom($('messages').parentElement, render);
  $('thread-composer').focus();
}

const names = {
  user: (id) => store.users.get(id)?.name,
  channel: (id) => store.channels.get(id)?.name,
  usergroup: (id) => store.usergroups.get(id)?.handle,
};

function list(filter) {
  return [...store.messages.values()].filter((m) => visibleTo(ui.user)(m) && filter(m)).sort(compareTs);
}

function drawMessages(container, messages, inThread) {
  const items = messages.map((m) => {
    const replies = inThread ? 0 : list((r) => r.channel === m.channel && r.threadTs === m.ts && r.ts !== m.ts).length;
    return { key: messageKey(m), sig: `${m.rev}|${replies}|${ui.user}`, m, replies };
  });
  const view = {
    users: store.users,
    bot: store.bot,
    names,
    isSelf: (id) => id === ui.user,
    act,
    openThread,
    inThread,
    shortcuts: (message) => surfaces.showShortcuts(store.shortcuts, message),
  };
  keepAtBottom(container.parentElement, () =>
    syncList(container, items, (i) => renderMessage(i.m, { ...view, replies: i.replies })),
  );
}

function channelButton(channel, label) {
  const current = channel.id === ui.channel && !ui.home;
  const testid = channel.imUser ? 'channel-dm' : `channel-${channel.name}`;
  return h(
    'li',
    {},
    h(
      'button',
      {
        type: 'button',
        className: `channel${current ? ' current' : ''}${ui.unread.has(channel.id) ? ' unread' : ''}`,
        'data-testid': testid,
        'aria-current': current ? 'page' : undefined,
        onclick: () => selectChannel(channel.id),
      },
      label,
    ),
  );
}

function selectChannel(id) {
  ui.channel = id;
  ui.home = false;
  ui.unread.delete(id);
  save('opsdeck.console.channel', id);
  render();
  const scroller = $('messages').parentElement;
  scroller.scrollTop = scroller.scrollHeight;
  $('composer').focus();
}

/** Only when a snapshot arrives: redrawing the options would close the select if it were open. */
function drawUsers(people) {
  const select = $('user-select');
  select.replaceChildren(...people.map((u) => h('option', { value: u.id }, `${u.realName} (@${u.name})`)));
  select.value = ui.user;
}

function render({ users = false } = {}) {
  if (!store.ready) return;
  const people = [...store.users.values()].filter((u) => !u.isBot);
  if (!store.users.has(ui.user) || store.users.get(ui.user).isBot) ui.user = people[0]?.id;
  if (users) drawUsers(people);
  const rooms = [...store.channels.values()];
  const mine = (c) => !c.imUser || c.imUser === ui.user;
  if (!rooms.some((c) => c.id === ui.channel && mine(c)))
    ui.channel = (rooms.find((c) => c.name === 'deploys') ?? rooms[0])?.id;
  const channel = store.channels.get(ui.channel);
  if (!channel) return;
  document.querySelector('.channel-pane').hidden = ui.home;
  $('home-pane').hidden = !ui.home;
  $('home-tab').classList.toggle('current', ui.home);
  document.querySelector('.team-name').textContent = store.team.name;
  $('channels').replaceChildren(...rooms.filter((c) => !c.imUser).map((c) => channelButton(c, `# ${c.name}`)));
  const dms = rooms.filter((c) => c.imUser === ui.user);
  $('dms').replaceChildren(...dms.map((c) => channelButton(c, store.bot.name)));
  $('dms-heading').hidden = dms.length === 0;
  const title = channel.imUser ? store.bot.name : `# ${channel.name}`;
  $('channel-title').textContent = title;
  document.title = `${title} · opsdeck sandbox`;
  $('composer').placeholder = channel.imUser ? `Message ${store.bot.name}` : `Message #${channel.name}`;
  const messages = list((m) => m.channel === ui.channel && isTopLevel(m));
  $('empty').hidden = messages.length > 0;
  const where = channel.imUser ? 'this conversation' : `#${channel.name}`;
  $('empty').textContent = `Nothing in ${where} yet. Type / to see what ${store.bot.name} can do.`;
  drawMessages($('messages'), messages, false);
  drawThread();
}

function drawThread() {
  const pane = $('thread');
  const parent = ui.thread && list((m) => m.channel === ui.thread.channel && m.ts === ui.thread.ts)[0];
  pane.hidden = !parent;
  if (!parent) {
    ui.thread = null;
    return;
  }
  $('thread-channel').textContent = store.channels.get(parent.channel)?.imUser
    ? store.bot.name
    : `#${store.channels.get(parent.channel)?.name ?? ''}`;
  const replies = list((m) => m.channel === parent.channel && m.threadTs === parent.ts && m.ts !== parent.ts);
  drawMessages($('thread-messages'), [parent, ...replies], true);
}

function onChange(kind, message) {
  if (kind === 'view') {
    if (message?.user === ui.user) void surfaces.refresh();
    return;
  }
  if (kind === 'online' || kind === 'offline') {
    $('connection').textContent = kind === 'online' ? '' : 'Reconnecting…';
    return;
  }
  if (kind === 'message' && message.channel !== ui.channel && isTopLevel(message) && visibleTo(ui.user)(message))
    ui.unread.add(message.channel);
  if (kind === 'state' && !controlsDrawn && store.ready) {
    controlsDrawn = true;
    $('controls-panel').hidden = store.controls.length === 0;
    renderControls($('controls'), store.controls, async (id, params) => {
      const result = await post('control', { id, params });
      return { ok: result.ok, text: result.ok ? result.body.text : (result.body.message ?? 'Failed.') };
    });
  }
  render({ users: kind === 'state' });
}

$('user-select').addEventListener('change', (event) => {
  ui.user = event.target.value;
  save('opsdeck.console.user', ui.user);
  render();
  // Each person has their own Home: opening it again is what Slack does when they look at it.
  if (ui.home) void surfaces.openHome();
  else void surfaces.refresh();
});
$('home-tab').addEventListener('click', () => {
  ui.home = true;
  render();
  void surfaces.openHome();
});
$('shortcuts-button').addEventListener('click', () => surfaces.showShortcuts(store.shortcuts));
$('thread-close').addEventListener('click', () => {
  ui.thread = null;
  render();
});
const composerOf = (prefix) => ({
  form: $(`${prefix}-form`),
  input: $(prefix),
  menu: $(`${prefix}-completions`),
  hint: $(`${prefix}-hint`),
});
attachComposer(
  composerOf('composer'),
  () => store.commands,
  (text) => send(text),
);
attachComposer(
  composerOf('thread-composer'),
  () => store.commands,
  (text) => send(text, ui.thread),
);
connect();
