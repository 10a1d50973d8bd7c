import type { LogEvent } from '../../ports/logs.ts';

const MAX_LINE = 1000;

/** `10:02:03.123 api-7d9f-x  message`; the time is UTC, like the rest of opsdeck's output. */
export function formatEvent(event: LogEvent, redact: (text: string) => string): string {
  const time = new Date(event.timestamp).toISOString().slice(11, 23);
  const message = redact(event.message.replace(/\r?\n$/, '').replace(/\r?\n/g, ' ⏎ '));
  const clipped = message.length > MAX_LINE ? `${message.slice(0, MAX_LINE)}… (${message.length - MAX_LINE} more characters)` : message;
  return `${time} ${event.origin}  ${clipped}`;
}

/** Text from outside (a backend's error) made safe for Slack: redacted, and `&`, `<`, `>` escaped. */
export function shown(text: string, redact: (text: string) => string): string {
  return redact(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
