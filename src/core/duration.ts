const UNIT_MS: Record<string, number> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

export const DURATION_PATTERN = /^(\d+)(s|m|h|d|w)$/;

/** Parses `90s`, `15m`, `12h`, `7d`, `2w` into milliseconds; undefined when not a duration. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION_PATTERN.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * UNIT_MS[match[2]!]!;
}

/** Formats milliseconds the way people say them: `45s`, `15m`, `2h 5m`, `3d 4h`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h}h ${m % 60}m` : `${h}h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d}d ${h % 24}h` : `${d}d`;
}

/**
 * Reads `--since` style input: a duration back from `now` (`15m`, `7d`) or an ISO 8601 time.
 * Returns undefined when it is neither, so callers can say what was expected.
 */
export function parseSince(text: string, now: Date): Date | undefined {
  const ms = parseDuration(text);
  if (ms !== undefined) {
    // `999999999d` is a valid duration but lies before the earliest representable Date.
    const at = new Date(now.getTime() - ms);
    return Number.isNaN(at.getTime()) ? undefined : at;
  }
  return parseIsoTime(text);
}

// How far a Date reaches before 1970: a longer duration back from any later "now" has no Date.
const DATE_RANGE_MS = 8.64e15;

/** Whether `text` is `--since` input that parseSince accepts at any time after 1970: its shape alone decides. */
export function isSince(text: string): boolean {
  const ms = parseDuration(text);
  return ms === undefined ? parseIsoTime(text) !== undefined : ms <= DATE_RANGE_MS;
}

function parseIsoTime(text: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return undefined;
  const at = new Date(text);
  return Number.isNaN(at.getTime()) ? undefined : at;
}
