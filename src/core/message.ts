import type { Text } from './text.ts';

/**
 * A chat-neutral message: handlers build these and the chat front end renders them (Slack: Block Kit),
 * enforcing its size limits in one place. Every text is `Text`: plain strings and structured parts, so
 * nothing here is written in a chat's syntax and text from outside needs no escaping by its caller.
 */
export type Block =
  | { type: 'header'; text: Text }
  | { type: 'text'; text: Text }
  | { type: 'fields'; fields: Text[] }
  | { type: 'context'; text: Text }
  /** Plain text shown monospaced (log lines, command output): never markup, escaped when rendered. */
  | { type: 'code'; text: string }
  /**
   * A document written in Markdown (a runbook's body), rendered the chat's way. When the chat cannot show
   * all of it, it shows as much as fits and then `continued` (where to read the rest). A leading heading
   * that repeats `title` is left out: the message's header shows it already.
   */
  | { type: 'markdown'; text: string; continued: Text; title?: string | undefined }
  | { type: 'divider' }
  | { type: 'actions'; buttons: Button[] };

export interface Button {
  /** Must start with `opsdeck.`; the front end routes clicks by it. */
  actionId: string;
  label: Text;
  /** Only an opaque id: everything else is looked up and re-checked at click time. */
  value: string;
  style?: 'primary' | 'danger';
  confirm?: { title: Text; text: Text; confirm: Text; deny: Text };
}

/**
 * How soon a message should go out when a chat limits how fast it may post: `prompt` ones (approval requests,
 * the outcome of a change) go before `bulk` ones (log lines) waiting for the same channel; unset is between.
 */
export type Urgency = 'prompt' | 'bulk';

export interface Message {
  /** Plain fallback text for notifications and clients without blocks. */
  text: Text;
  blocks?: Block[];
  urgency?: Urgency;
}

export function textMessage(text: Text): Message {
  return { text, blocks: [{ type: 'text', text }] };
}
