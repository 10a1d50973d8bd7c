import type { Block, Button, Message } from '../core/message.ts';
import type { Text } from '../core/text.ts';
import type { MarkdownBlock } from './markdown/block-builder.ts';
import { markdownToBlocks } from './markdown/to-blocks.ts';
import { escapeMrkdwn, toMrkdwn, toPlainText } from './mrkdwn.ts';

// Slack's limits (Block Kit reference): 50 blocks per message, 3000 characters per section,
// 10 fields of 2000, 150 for header text, 75 for button labels, 2000 for button values.
const MAX_BLOCKS = 50;
const SECTION = 3000;
const FIELD = 2000;
const HEADER = 150;
const FALLBACK = 3000;

export type SlackBlock = Record<string, unknown>;

/** Moves a cut back by one so it never splits a surrogate pair (an emoji) in half. */
function cutBefore(text: string, at: number): number {
  const code = text.charCodeAt(at - 1);
  return at > 1 && code >= 0xd800 && code <= 0xdbff ? at - 1 : at;
}

/** Moves a hard cut back to before a `<…>` (mention, link) or an `&…;` entity it would split. */
function safeCut(text: string, at: number): number {
  let cut = at;
  const open = text.lastIndexOf('<', cut - 1);
  if (open > 0 && text.indexOf('>', open) >= cut) cut = open;
  const amp = text.lastIndexOf('&', cut - 1);
  if (amp > 0 && cut - amp < 6 && text.indexOf(';', amp) >= cut) cut = amp;
  return cutBefore(text, cut);
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, cutBefore(text, max - 1))}…`;
}

/** Splits on line breaks where possible so a long section becomes several whole-line sections. */
export function chunk(text: string, max: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const cut = rest.lastIndexOf('\n', max);
    const at = cut > max / 2 ? cut : safeCut(rest, max);
    out.push(rest.slice(0, at));
    rest = rest.slice(at).replace(/^\n/, '');
  }
  if (rest.length || !out.length) out.push(rest);
  return out;
}

// opsdeck never notifies a whole channel or workspace, so these are shown as text wherever they come from:
// a last line of defence for markup that reached a message from somewhere else (requests stored by old versions).
const BROADCAST = /<!(channel|here|everyone)(\|[^>]*)?>/g;
/** Chunks plain text so each piece still fits once escaped, and never cuts an entity in two. */
function chunkEscaped(text: string, max: number): string[] {
  return chunk(text, max).flatMap((piece) => {
    const escaped = escapeMrkdwn(piece);
    if (escaped.length <= max || piece.length < 2) return [escaped];
    const half = cutBefore(piece, Math.ceil(piece.length / 2));
    return [...chunkEscaped(piece.slice(0, half), max), ...chunkEscaped(piece.slice(half), max)];
  });
}

const mrkdwn = (text: string) => ({ type: 'mrkdwn', text: text.replace(BROADCAST, '&lt;!$1$2&gt;') });
const plain = (text: Text, max: number) => ({ type: 'plain_text', text: clip(toPlainText(text), max), emoji: true });

const sections = (text: string): SlackBlock[] =>
  chunk(text || ' ', SECTION).map((piece) => ({ type: 'section', text: mrkdwn(piece) }));
const context = (text: string): SlackBlock[] => [{ type: 'context', elements: [mrkdwn(clip(text, FIELD))] }];
// Code holds plain text; Slack reads `<…>` and entities even inside it, and triple backticks would end it early.
const code = (text: string): SlackBlock[] =>
  chunkEscaped(text.replace(/```/g, "'''") || ' ', SECTION - 8).map((piece) => ({
    type: 'section',
    text: mrkdwn(`\`\`\`${piece}\`\`\``),
  }));

function button(b: Button): SlackBlock {
  return {
    type: 'button',
    action_id: b.actionId,
    text: plain(b.label, 75),
    value: b.value,
    ...(b.style ? { style: b.style } : {}),
    ...(b.confirm
      ? {
          confirm: {
            title: plain(b.confirm.title, 100),
            text: mrkdwn(clip(toMrkdwn(b.confirm.text), 300)),
            confirm: plain(b.confirm.confirm, 30),
            deny: plain(b.confirm.deny, 30),
          },
        }
      : {}),
  };
}

function renderBlock(block: Exclude<Block, { type: 'markdown' }>): SlackBlock[] {
  switch (block.type) {
    case 'header':
      return [{ type: 'header', text: plain(block.text, HEADER) }];
    case 'text':
      return sections(toMrkdwn(block.text));
    case 'fields':
      return block.fields.length
        ? [{ type: 'section', fields: block.fields.slice(0, 10).map((f) => mrkdwn(clip(toMrkdwn(f), FIELD))) }]
        : [];
    case 'context':
      return context(toMrkdwn(block.text));
    case 'code':
      return code(block.text);
    case 'divider':
      return [{ type: 'divider' }];
    case 'actions':
      return block.buttons.length ? [{ type: 'actions', elements: block.buttons.slice(0, 25).map(button) }] : [];
  }
}

function renderConverted(block: MarkdownBlock): SlackBlock[] {
  switch (block.type) {
    case 'header':
      return [{ type: 'header', text: plain(block.text, HEADER) }];
    case 'text':
      return sections(block.text);
    case 'context':
      return context(block.text);
    case 'code':
      return code(block.text);
    case 'divider':
      return [{ type: 'divider' }];
  }
}

/** A Markdown document in at most `budget` blocks, cut with where to read the rest when it does not fit. */
function renderMarkdown(block: Extract<Block, { type: 'markdown' }>, budget: number): SlackBlock[] {
  const render = (maxBlocks: number) =>
    markdownToBlocks(block.text, { title: block.title, maxBlocks, continued: toMrkdwn(block.continued) }).flatMap(
      renderConverted,
    );
  let maxBlocks = budget;
  let out = render(maxBlocks);
  // A long code block can take two sections once escaped: cut further until the whole fits.
  while (out.length > budget && maxBlocks > 1) {
    maxBlocks = Math.max(1, maxBlocks - (out.length - budget));
    out = render(maxBlocks);
  }
  return out;
}

/** Renders a chat-neutral message to `{ text, blocks }` that Slack accepts, whatever its size. */
export function renderMessage(message: Message): { text: string; blocks: SlackBlock[] } {
  const source = message.blocks ?? [{ type: 'text', text: message.text }];
  // Documents get the room the other blocks leave, so the buttons after a long runbook stay.
  const fixed = source.map((b) => (b.type === 'markdown' ? [] : renderBlock(b)));
  let used = fixed.reduce((n, rendered) => n + rendered.length, 0);
  const blocks = source.flatMap((b, i) => {
    if (b.type !== 'markdown') return fixed[i]!;
    const rendered = renderMarkdown(b, Math.max(1, MAX_BLOCKS - used));
    used += rendered.length;
    return rendered;
  });
  const text = clip(toMrkdwn(message.text), FALLBACK);
  if (blocks.length > MAX_BLOCKS) {
    const kept = blocks.slice(0, MAX_BLOCKS - 1);
    kept.push({ type: 'context', elements: [mrkdwn(`…${blocks.length - kept.length} more blocks not shown.`)] });
    return { text, blocks: kept };
  }
  return { text, blocks };
}
