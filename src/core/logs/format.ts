import type { LogEvent } from '../../ports/logs.ts';
import type { Redactor } from '../redact.ts';

/** Redacts the lines of one snapshot or follow: one stateful stream per origin (log stream, pod). */
export type LineRedactor = (text: string, origin: string) => string;

/**
 * A private key printed one line per event only shows it is a key in its first line: each origin gets
 * its own stream redactor, which remembers an open key until its END line.
 */
export function lineRedactor(redactor: Redactor): LineRedactor {
  const streams = new Map<string, (line: string) => string>();
  return (text, origin) => {
    let stream = streams.get(origin);
    if (!stream) {
      stream = redactor.stream();
      streams.set(origin, stream);
    }
    return stream(text);
  };
}

const MAX_LINE = 1000;

/** `10:02:03.123 api-7d9f-x  message`; the time is UTC, like the rest of opsdeck's output. */
export function formatEvent(event: LogEvent, redact: LineRedactor): string {
  const time = new Date(event.timestamp).toISOString().slice(11, 23);
  const message = redact(event.message.replace(/\r?\n$/, ''), event.origin).replace(/\r?\n/g, ' ⏎ ');
  const clipped =
    message.length > MAX_LINE
      ? `${message.slice(0, MAX_LINE)}… (${message.length - MAX_LINE} more characters)`
      : message;
  return `${time} ${event.origin}  ${clipped}`;
}
