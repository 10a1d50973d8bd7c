import type { Inline, Text } from '../core/text.ts';

/** Slack reads `&`, `<` and `>` as markup (links, mentions, broadcasts); everything else passes as written. */
export const escapeMrkdwn = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

// Ids and emoji names go inside markup: anything else in them is shown as text instead.
const ID = /^[A-Z0-9]+$/i;
const EMOJI = /^[a-z0-9_+-]+$/i;

/** Inside a URL of `<url|label>` a `|` or `>` would end it early. */
const slackUrl = (url: string): string => escapeMrkdwn(url).replace(/\|/g, '%7C');

/** Chat-neutral text as Slack mrkdwn: every plain string escaped, every part in Slack's syntax. */
export function toMrkdwn(text: Text): string {
  return typeof text === 'string' ? escapeMrkdwn(text) : text.map((part) => inline(part, false)).join('');
}

/** Inside inline code a backtick would close the span early, so it becomes an apostrophe. */
function inCode(text: Text): string {
  return typeof text === 'string'
    ? escapeMrkdwn(text).replace(/`/g, "'")
    : text.map((part) => inline(part, true)).join('');
}

function inline(part: Inline, code: boolean): string {
  const plain = (s: string) => (code ? escapeMrkdwn(s).replace(/`/g, "'") : escapeMrkdwn(s));
  if (typeof part === 'string') return plain(part);
  if ('mention' in part) return ID.test(part.mention) ? `<@${part.mention}>` : plain(part.mention);
  if ('channel' in part) return ID.test(part.channel) ? `<#${part.channel}>` : plain(part.channel);
  if ('group' in part) return ID.test(part.group) ? `<!subteam^${part.group}>` : plain(part.group);
  if ('link' in part) {
    const label = part.label === undefined ? '' : `|${code ? inCode(part.label) : toMrkdwn(part.label)}`;
    return `<${slackUrl(part.link)}${label}>`;
  }
  if ('code' in part) return `\`${inCode(part.code)}\``;
  // Slack shows no emphasis inside code, where the asterisks would only get in the way.
  if ('bold' in part) return code ? inCode(part.bold) : `*${toMrkdwn(part.bold)}*`;
  if ('emoji' in part) return EMOJI.test(part.emoji) ? `:${part.emoji}:` : plain(part.emoji);
  return part.markup;
}

/**
 * Text for Slack's `plain_text` fields (headers, button labels), where nothing is markup and nothing needs
 * escaping; emoji names still show as emoji.
 */
export function toPlainText(text: Text): string {
  return typeof text === 'string' ? text : text.map(plainPart).join('');
}

function plainPart(part: Inline): string {
  if (typeof part === 'string') return part;
  if ('mention' in part) return `@${part.mention}`;
  if ('channel' in part) return `#${part.channel}`;
  if ('group' in part) return `@${part.group}`;
  if ('link' in part) return part.label === undefined ? part.link : toPlainText(part.label);
  if ('code' in part) return toPlainText(part.code);
  if ('bold' in part) return toPlainText(part.bold);
  if ('emoji' in part) return `:${part.emoji}:`;
  return part.markup;
}
