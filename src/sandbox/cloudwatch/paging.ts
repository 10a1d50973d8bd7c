import { invalidParameter } from './errors.ts';
import type { Position } from './sorted.ts';

// A FilterLogEvents or GetLogEvents page holds at most this many bytes of events (and `limit` events).
const MAX_PAGE_BYTES = 1_048_576;

/**
 * Collects a page until it holds `limit` items or the next would push it past 1 MB (as stored: a
 * slight overestimate).
 */
export class Page<T> {
  readonly items: T[] = [];
  readonly #limit: number;
  #bytes = 0;

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** False when the item does not fit; the first item always fits, so paging always makes progress. */
  add(item: T): boolean {
    if (this.items.length >= this.#limit) return false;
    const size = Buffer.byteLength(JSON.stringify(item));
    if (this.items.length > 0 && this.#bytes + size > MAX_PAGE_BYTES) return false;
    this.items.push(item);
    this.#bytes += size;
    return true;
  }
}

/** An opaque `nextToken`: base64url JSON, so clients cannot build one and the emulator can check it. */
const encodeToken = (payload: Readonly<Record<string, string | number>>): string =>
  Buffer.from(JSON.stringify(payload)).toString('base64url');

function decodeToken(token: string): Record<string, unknown> {
  try {
    const payload = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
    if (typeof payload === 'object' && payload !== null) return payload as Record<string, unknown>;
  } catch {
    // Falls through to the same answer as any other token this emulator did not issue.
  }
  throw invalidParameter('The specified nextToken is invalid.');
}

/** FilterLogEvents resumes after the last event it scanned, even when that event did not match. */
export const encodePosition = (group: string, p: Position): string =>
  encodeToken({ g: group, t: p.timestamp, s: p.seq });

export function decodePosition(token: string, group: string): Position {
  const { g, t, s } = decodeToken(token);
  if (g !== group || typeof t !== 'number' || typeof s !== 'number')
    throw invalidParameter('The specified nextToken is invalid.');
  return { timestamp: t, seq: s };
}

/** Describe* paging: the offset into the sorted listing. */
export function pageByOffset<T>(
  items: readonly T[],
  limit: number,
  token: string | undefined,
): { items: T[]; nextToken?: string } {
  const offset = token === undefined ? 0 : decodeToken(token).o;
  if (typeof offset !== 'number') throw invalidParameter('The specified nextToken is invalid.');
  const end = offset + limit;
  return { items: items.slice(offset, end), ...(end < items.length ? { nextToken: encodeToken({ o: end }) } : {}) };
}
