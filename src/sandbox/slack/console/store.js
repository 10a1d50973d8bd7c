// The page's copy of the workspace and every message, kept current over Server-Sent Events.

/** Orders Slack timestamps (`seconds.micros`) exactly; as floats, neighbouring ones can compare equal. */
export const compareTs = (a, b) => a.ts.length - b.ts.length || (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0);

/** What this user sees: public messages and their own ephemeral ones, without deleted ones. */
export const visibleTo = (user) => (m) => !m.deleted && (!m.ephemeralTo || m.ephemeralTo === user);

/** In the channel itself rather than only in a thread. */
export const isTopLevel = (m) => !m.threadTs || m.threadTs === m.ts;

export const messageKey = (m) => `${m.local ? 'local:' : ''}${m.channel}/${m.ts}`;

/**
 * `onChange(kind, message?)` hears `state` (a snapshot arrived), `message`, `update`, `reset`, `local`,
 * and `online`/`offline` for the event stream.
 */
export function createStore(onChange) {
  const store = {
    ready: false,
    team: { name: '' },
    bot: { user: '', botId: '', name: 'opsdeck' },
    users: new Map(),
    usergroups: new Map(),
    channels: new Map(),
    commands: [],
    shortcuts: [],
    controls: [],
    messages: new Map(),
  };
  let buffered = null; // events that arrive while a snapshot loads; null when none is loading
  let stale = false;
  let lastLocalMicros = 0;

  function put(message) {
    const old = store.messages.get(messageKey(message));
    store.messages.set(messageKey(message), { ...message, rev: (old?.rev ?? 0) + 1 });
  }

  function apply(event) {
    if (event.kind === 'reset') {
      store.messages.clear();
      return;
    }
    put(event.data);
    // A direct message opens its conversation on first use; a fresh snapshot brings the channel.
    if (!store.channels.has(event.data.channel)) stale = true;
  }

  async function load() {
    if (buffered) {
      stale = true;
      return;
    }
    buffered = [];
    try {
      const response = await fetch('/console/api/state', { cache: 'no-store' });
      if (!response.ok) throw new Error(`state: HTTP ${response.status}`);
      const state = await response.json();
      Object.assign(store, {
        ready: true,
        team: state.team,
        bot: state.bot,
        commands: state.commands,
        shortcuts: state.shortcuts ?? [],
        controls: state.controls,
        users: new Map(state.users.map((u, index) => [u.id, { ...u, index }])),
        usergroups: new Map(state.usergroups.map((g) => [g.id, g])),
        channels: new Map(state.channels.map((c) => [c.id, c])),
      });
      // Messages the console made up itself (notices) stay; the server's are replaced by the snapshot.
      for (const [k, m] of store.messages) if (!m.local) store.messages.delete(k);
      for (const m of state.messages) put(m);
      stale = false;
      for (const event of buffered) if (event.seq > state.seq) apply(event);
    } catch (error) {
      console.error('opsdeck console: could not load the state', error);
    } finally {
      buffered = null;
    }
    onChange('state');
    if (stale) load();
  }

  function connect() {
    const source = new EventSource('/console/api/events');
    // Every (re)connection may have missed events, so each one starts from a fresh snapshot.
    source.addEventListener('open', () => {
      onChange('online');
      load();
    });
    source.addEventListener('error', () => onChange('offline'));
    // A home or modal changed for someone; the page fetches the views of the person it acts as.
    source.addEventListener('view', (e) => onChange('view', JSON.parse(e.data)));
    for (const kind of ['message', 'update', 'reset']) {
      source.addEventListener(kind, (e) => {
        const event = { kind, seq: Number(e.lastEventId), data: JSON.parse(e.data) };
        if (buffered) return buffered.push(event);
        apply(event);
        onChange(kind, event.data);
        if (stale) load();
      });
    }
  }

  /** A notice from the console itself, shown like Slackbot's "only visible to you" messages. */
  function addLocal({ channel, user, text, threadTs }) {
    // Unique even for two notices in one millisecond, since the timestamp is also the message's key.
    lastLocalMicros = Math.max(Date.now() * 1000, lastLocalMicros + 1);
    const ts = `${Math.floor(lastLocalMicros / 1e6)}.${String(lastLocalMicros % 1e6).padStart(6, '0')}`;
    const message = {
      ts,
      channel,
      text,
      blocks: [],
      ephemeralTo: user,
      local: true,
      ...(threadTs ? { threadTs } : {}),
    };
    put(message);
    onChange('local', message);
  }

  return { store, connect, addLocal };
}
