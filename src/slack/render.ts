import type { Block, Button, Message } from '../core/message.ts';

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

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, cutBefore(text, max - 1))}…`;
}

/** Splits on line breaks where possible so a long section becomes several whole-line sections. */
export function chunk(text: string, max: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const cut = rest.lastIndexOf('\n', max);
    const at = cut > max / 2 ? cut : cutBefore(rest, max);
    out.push(rest.slice(0, at));
    rest = rest.slice(at).replace(/^\n/, '');
  }
  if (rest.length || !out.length) out.push(rest);
  return out;
}

// opsdeck never notifies a whole channel or workspace, so these are shown as text wherever they come from:
// a last line of defence for text that reached a message unescaped.
const BROADCAST = /<!(channel|here|everyone)(\|[^>]*)?>/g;
/** Chunks plain text so each piece still fits once escaped, and never cuts an entity in two. */
function chunkEscaped(text: string, max: number): string[] {
  return chunk(text, max).flatMap((piece) => {
    const escaped = escapeCode(piece);
    if (escaped.length <= max || piece.length < 2) return [escaped];
    const half = cutBefore(piece, Math.ceil(piece.length / 2));
    return [...chunkEscaped(piece.slice(0, half), max), ...chunkEscaped(piece.slice(half), max)];
  });
}

const mrkdwn = (text: string) => ({ type: 'mrkdwn', text: text.replace(BROADCAST, '&lt;!$1$2&gt;') });
/** Code blocks hold plain text; Slack reads `<…>` and entities even inside them. */
const escapeCode = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const plain = (text: string, max: number) => ({ type: 'plain_text', text: clip(text, max), emoji: true });

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
            text: mrkdwn(clip(b.confirm.text, 300)),
            confirm: plain(b.confirm.confirm, 30),
            deny: plain(b.confirm.deny, 30),
          },
        }
      : {}),
  };
}

function renderBlock(block: Block): SlackBlock[] {
  switch (block.type) {
    case 'header':
      return [{ type: 'header', text: plain(block.text, HEADER) }];
    case 'text':
      return chunk(block.text || ' ', SECTION).map((t) => ({ type: 'section', text: mrkdwn(t) }));
    case 'fields':
      return block.fields.length
        ? [{ type: 'section', fields: block.fields.slice(0, 10).map((f) => mrkdwn(clip(f, FIELD))) }]
        : [];
    case 'context':
      return [{ type: 'context', elements: [mrkdwn(clip(block.text, FIELD))] }];
    case 'code':
      // Triple backticks inside the text would end the block early.
      return chunkEscaped(block.text.replace(/```/g, "'''") || ' ', SECTION - 8).map((t) => ({
        type: 'section',
        text: mrkdwn(`\`\`\`${t}\`\`\``),
      }));
    case 'divider':
      return [{ type: 'divider' }];
    case 'actions':
      return block.buttons.length ? [{ type: 'actions', elements: block.buttons.slice(0, 25).map(button) }] : [];
  }
}

/** Renders a chat-neutral message to `{ text, blocks }` that Slack accepts, whatever its size. */
export function renderMessage(message: Message): { text: string; blocks: SlackBlock[] } {
  const blocks = (message.blocks ?? [{ type: 'text', text: message.text }]).flatMap(renderBlock);
  if (blocks.length > MAX_BLOCKS) {
    const kept = blocks.slice(0, MAX_BLOCKS - 1);
    kept.push({ type: 'context', elements: [mrkdwn(`…${blocks.length - kept.length} more blocks not shown.`)] });
    return { text: clip(message.text, FALLBACK), blocks: kept };
  }
  return { text: clip(message.text, FALLBACK), blocks };
}
