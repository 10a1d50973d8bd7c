/** Where an event sits in a group or stream: by timestamp, then by ingestion order (`seq`). */
export interface Position {
  readonly timestamp: number;
  readonly seq: number;
}

/** True for positions strictly after `p`; monotone over a sorted list, so it can drive `firstIndex`. */
export const after =
  (p: Position) =>
  (e: Position): boolean =>
    e.timestamp > p.timestamp || (e.timestamp === p.timestamp && e.seq > p.seq);

/** Index of the first item for which the monotone `isPast` holds (the length when none does). */
export function firstIndex<T>(items: readonly T[], isPast: (item: T) => boolean): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (isPast(items[mid] as T)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Inserts keeping (timestamp, seq) order; late events with older timestamps land in the middle. */
export function insertSorted<T extends Position>(items: T[], item: T): void {
  items.splice(firstIndex(items, after(item)), 0, item);
}
