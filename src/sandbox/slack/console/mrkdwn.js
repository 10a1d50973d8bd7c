// Slack's mrkdwn, parsed into plain node objects and then built into DOM nodes with textContent only:
// message text is never parsed as HTML. The parser needs no DOM, so it can be tested outside a browser.

/** The emoji codes opsdeck writes; others stay as `:code:` text, as Slack shows codes it does not know. */
export const EMOJI = {
  white_check_mark: '✅',
  x: '❌',
  no_entry: '⛔',
  warning: '⚠️',
  lock: '🔒',
  unlock: '🔓',
  hourglass: '⌛',
  hourglass_flowing_sand: '⏳',
  arrows_counterclockwise: '🔄',
  rotating_light: '🚨',
  scroll: '📜',
  heavy_multiplication_x: '✖️',
};

const ENTITIES = { '&lt;': '<', '&gt;': '>', '&amp;': '&' };

/** Slack escapes only these three; one pass, so `&amp;lt;` becomes the text `&lt;`. */
export const unescapeEntities = (text) => text.replace(/&(lt|gt|amp);/g, (entity) => ENTITIES[entity]);

const STYLES = { '*': 'bold', _: 'italic', '~': 'strike' };
const WORDISH = /[\p{L}\p{N}]/u;

/** `:code:` replaced by its emoji where known: what plain_text with `emoji: true` shows. */
export function parsePlain(text) {
  const nodes = [];
  let last = 0;
  for (const match of text.matchAll(/:([a-z0-9_+-]+):/g)) {
    const char = EMOJI[match[1]];
    if (!char) continue;
    if (match.index > last) nodes.push({ type: 'text', text: text.slice(last, match.index) });
    nodes.push({ type: 'emoji', name: match[1], text: char });
    last = match.index + match[0].length;
  }
  if (last < text.length) nodes.push({ type: 'text', text: text.slice(last) });
  return nodes;
}

/**
 * Parses mrkdwn into nodes: text, bold/italic/strike (with children), code, pre, link, mention, emoji.
 * `names` resolves ids for `<@U…>`, `<#C…>` and `<!subteam^S…>`; each returns a name or undefined.
 */
export function parseMrkdwn(text, names = {}) {
  return parseInline(String(text), names);
}

function parseInline(s, names) {
  const nodes = [];
  let buffer = '';
  const flush = () => {
    if (buffer) nodes.push({ type: 'text', text: unescapeEntities(buffer) });
    buffer = '';
  };
  let i = 0;
  while (i < s.length) {
    const token = tokenAt(s, i, names);
    if (token) {
      flush();
      nodes.push(token.node);
      i = token.end;
    } else {
      buffer += s[i];
      i += 1;
    }
  }
  flush();
  return nodes;
}

/** The formatted piece starting at `i`, if any, and where it ends. */
function tokenAt(s, i, names) {
  const c = s[i];
  if (s.startsWith('```', i)) {
    const close = s.indexOf('```', i + 3);
    if (close > i + 3)
      return {
        node: { type: 'pre', text: unescapeEntities(s.slice(i + 3, close).replace(/^\n/, '')) },
        end: close + 3,
      };
  }
  if (c === '`') {
    const close = s.indexOf('`', i + 1);
    const inner = close > i + 1 ? s.slice(i + 1, close) : '';
    if (inner && !inner.includes('\n'))
      return { node: { type: 'code', text: unescapeEntities(inner) }, end: close + 1 };
  }
  if (c === '<') {
    const close = s.indexOf('>', i + 1);
    if (close > i + 1) return { node: angle(s.slice(i + 1, close), names), end: close + 1 };
  }
  if (c in STYLES && opens(s, i)) {
    const close = closingMark(s, i);
    if (close !== -1)
      return { node: { type: STYLES[c], children: parseInline(s.slice(i + 1, close), names) }, end: close + 1 };
  }
  if (c === ':') {
    const match = /^:([a-z0-9_+-]+):/.exec(s.slice(i, i + 64));
    if (match && EMOJI[match[1]])
      return { node: { type: 'emoji', name: match[1], text: EMOJI[match[1]] }, end: i + match[0].length };
  }
  return undefined;
}

/** A mark opens emphasis at the start or after a non-word character, and only before a non-space. */
function opens(s, i) {
  const before = s[i - 1];
  const after = s[i + 1];
  return (before === undefined || !WORDISH.test(before)) && after !== undefined && !/\s/.test(after) && after !== s[i];
}

/** The matching mark on the same line, after a non-space and before a non-word character; -1 if none. */
function closingMark(s, i) {
  const mark = s[i];
  for (let j = i + 2; j < s.length; j += 1) {
    const c = s[j];
    if (c === '\n') return -1;
    // Marks inside code and <…> tokens do not count.
    if (c === '`' || c === '<') {
      const end = s.indexOf(c === '`' ? '`' : '>', j + 1);
      if (end !== -1) j = end;
      continue;
    }
    const after = s[j + 1];
    if (c === mark && !/\s/.test(s[j - 1]) && (after === undefined || !WORDISH.test(after))) return j;
  }
  return -1;
}

/** `<@U1>`, `<#C1>`, `<!subteam^S1>`, `<!here>`, `<url|label>`; a label after `|` wins where Slack allows one. */
function angle(inner, names) {
  const bar = inner.indexOf('|');
  const target = bar === -1 ? inner : inner.slice(0, bar);
  const label = bar === -1 ? undefined : unescapeEntities(inner.slice(bar + 1));
  if (target.startsWith('@')) {
    const id = target.slice(1);
    return { type: 'mention', kind: 'user', id, text: `@${names.user?.(id) ?? label ?? id}` };
  }
  if (target.startsWith('#')) {
    const id = target.slice(1);
    return { type: 'mention', kind: 'channel', id, text: `#${names.channel?.(id) ?? label ?? id}` };
  }
  if (target.startsWith('!subteam^')) {
    const id = target.slice('!subteam^'.length);
    const handle = names.usergroup?.(id);
    return { type: 'mention', kind: 'usergroup', id, text: handle ? `@${handle}` : (label ?? `@${id}`) };
  }
  if (target.startsWith('!')) {
    const word = target.slice(1).split('^')[0];
    const special = ['here', 'channel', 'everyone'].includes(word) ? `@${word}` : undefined;
    return { type: 'mention', kind: 'special', id: word, text: special ?? label ?? `<${unescapeEntities(target)}>` };
  }
  const url = unescapeEntities(target);
  // A label may carry formatting, e.g. a commit hash in backticks; a bare URL is shown as it is.
  const children = bar === -1 ? [{ type: 'text', text: url }] : parseInline(inner.slice(bar + 1), names);
  return /^https?:\/\//i.test(url) ? { type: 'link', url, children } : { type: 'text', text: label ?? url };
}

const TAGS = { bold: 'b', italic: 'i', strike: 's', code: 'code', pre: 'pre' };

/** Builds DOM nodes for parsed mrkdwn; `isSelf(id)` marks mentions of the person using the console. */
export function renderNodes(nodes, isSelf = () => false) {
  const fragment = document.createDocumentFragment();
  for (const node of nodes) fragment.append(renderNode(node, isSelf));
  return fragment;
}

function renderNode(node, isSelf) {
  if (node.type === 'text') return document.createTextNode(node.text);
  if (node.type === 'link') {
    const a = document.createElement('a');
    a.href = node.url;
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
    a.append(renderNodes(node.children, isSelf));
    return a;
  }
  if (node.children) {
    const el = document.createElement(TAGS[node.type]);
    el.append(renderNodes(node.children, isSelf));
    return el;
  }
  const el = document.createElement(TAGS[node.type] ?? 'span');
  el.textContent = node.text;
  if (node.type === 'mention') el.className = node.kind === 'user' && isSelf(node.id) ? 'mention self' : 'mention';
  if (node.type === 'emoji') {
    el.className = 'emoji';
    el.title = `:${node.name}:`;
  }
  return el;
}
