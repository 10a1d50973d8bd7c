/** A log line's time as the runtime recorded it: epoch ms plus the nanoseconds within that millisecond. */
export interface Stamp {
  ms: number;
  ns: number;
}

export interface LogLine {
  stamp: Stamp;
  /** The timestamp as sent, for ids. */
  raw: string;
  text: string;
}

// `timestamps=true` prefixes each line with RFC 3339 (the kubelet sends RFC3339Nano) and one space.
const PREFIX = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})(?: |$)/;

/** Splits the timestamp prefix off a line; undefined when there is none (then the line is not a log line). */
export function parseLogLine(line: string): LogLine | undefined {
  const match = PREFIX.exec(line);
  const [prefix, seconds, fraction = '', zone] = match ?? [];
  if (prefix === undefined || seconds === undefined || zone === undefined) return undefined;
  const whole = Date.parse(`${seconds}${zone}`);
  if (Number.isNaN(whole)) return undefined;
  // Date keeps milliseconds only; the rest of the nanoseconds still order lines within one millisecond.
  const digits = fraction.padEnd(9, '0');
  return {
    stamp: { ms: whole + Number(digits.slice(0, 3)), ns: Number(digits.slice(3)) },
    raw: prefix.trimEnd(),
    text: line.slice(prefix.length),
  };
}

export const compareStamps = (a: Stamp, b: Stamp): number => a.ms - b.ms || a.ns - b.ns;

/** `sinceTime` for a stream that should start at `ms`. The API server passes it to the kubelet in whole seconds. */
export const sinceTimeParam = (ms: number): string =>
  new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
