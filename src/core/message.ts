/**
 * A chat-neutral message: handlers build these and the Slack layer renders them to Block Kit,
 * enforcing Slack's size limits in one place. Text is mrkdwn: anything in it that came from outside
 * (a log line, a backend's message, a reason someone typed) goes through `plain()` or `userText()`.
 */
export type Block =
  | { type: 'header'; text: string }
  | { type: 'text'; text: string }
  | { type: 'fields'; fields: string[] }
  | { type: 'context'; text: string }
  /** Plain text shown monospaced (log lines, command output): never markup, escaped when rendered. */
  | { type: 'code'; text: string }
  | { type: 'divider' }
  | { type: 'actions'; buttons: Button[] };

export interface Button {
  /** Must start with `opsdeck.`; the Slack layer routes clicks by it. */
  actionId: string;
  label: string;
  /** Only an opaque id: everything else is looked up and re-checked at click time. */
  value: string;
  style?: 'primary' | 'danger';
  confirm?: { title: string; text: string; confirm: string; deny: string };
}

export interface Message {
  /** Plain fallback text for notifications and clients without blocks. */
  text: string;
  blocks?: Block[];
}

export function textMessage(text: string): Message {
  return { text, blocks: [{ type: 'text', text }] };
}
