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
 * Text a person typed, made safe to show in a message: secrets redacted, and `&`, `<`, `>`
 * escaped so it cannot become a mention (`<!channel>`) or a disguised link.
 */
export function userText(text: string): string {
  return redact(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
