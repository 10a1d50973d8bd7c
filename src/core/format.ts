import { redact } from './redact.ts';

/** `2026-11-24 10:02 UTC`: unambiguous for teams spread over time zones. */
export function formatTime(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function shortSha(sha: string | undefined): string {
  return sha ? sha.slice(0, 7) : '';
}

export function mention(userId: string): string {
  return `<@${userId}>`;
}

/**
 * Text from outside opsdeck (a backend's message, a pod's reason, a pattern someone typed) made safe to
 * put into a message: `&`, `<`, `>` escaped so it cannot become a mention (`<!channel>`, `<@U…>`) or a
 * disguised link (`<https://evil|docs>`).
 */
export function plain(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Text a person typed, made safe to show: secrets redacted, then escaped like `plain`. */
export function userText(text: string): string {
  return plain(redact(text));
}

/** A link whose URL came from outside: `|` and `>` would end it early, so they are escaped. */
export function link(url: string, label: string): string {
  return `<${plain(url).replace(/\|/g, '%7C')}|${plain(label)}>`;
}

/** Text shown inside inline code: escaped, with backticks that would close the span replaced. */
export function inlineCode(text: string): string {
  return `\`${plain(text).replace(/`/g, "'")}\``;
}
