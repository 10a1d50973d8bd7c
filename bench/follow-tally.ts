/** One event as a follow handed it on: its key (unique per event), its stamp and when it arrived. */
export interface Delivery {
  key: string;
  timestamp: number;
  deliveredAt: number;
}

export interface FollowTally {
  /** Events the source holds stamped in the window. */
  expected: number;
  /** Distinct expected events the follow delivered. */
  delivered: number;
  lost: number;
  /** Deliveries of an event beyond its first. */
  duplicated: number;
  /** Stamp → first delivery of each delivered event, in ms. */
  lagsMs: number[];
}

/**
 * What a follow did with the events stamped in `[from, to)`. Deliveries outside the window are left out:
 * a streaming session also shows events stamped before the follow's start but stored after it.
 */
export function tallyFollow(
  expectedKeys: readonly string[],
  deliveries: readonly Delivery[],
  window: { from: number; to: number },
): FollowTally {
  const expected = new Set(expectedKeys);
  const seen = new Set<string>();
  const lagsMs: number[] = [];
  let duplicated = 0;
  for (const d of deliveries) {
    if (d.timestamp < window.from || d.timestamp >= window.to) continue;
    if (seen.has(d.key)) {
      duplicated += 1;
      continue;
    }
    seen.add(d.key);
    lagsMs.push(d.deliveredAt - d.timestamp);
  }
  const delivered = [...expected].filter((k) => seen.has(k)).length;
  return { expected: expected.size, delivered, lost: expected.size - delivered, duplicated, lagsMs };
}
