import type { Operation } from './context.ts';
import { invalidParameter } from './errors.ts';
import { compileFilterPattern } from './filter-pattern.ts';
import { decodePosition, encodePosition, Page } from './paging.ts';
import type { Params } from './params.ts';
import { groupNameOf } from './resources.ts';
import { after, firstIndex } from './sorted.ts';
import type { StoredEvent } from './store.ts';

/**
 * FilterLogEvents over the group's events in (timestamp, ingestion) order, `startTime`..`endTime` inclusive.
 * Like AWS, a call scans only part of the group: it stops at the next multiple of `segmentSize` stored
 * events, so pages can be partial or empty and still carry a `nextToken`. Paging ends when `nextToken` is
 * absent. The token points just past the last event scanned, so events that arrive later with an older
 * timestamp are not seen by a paging in progress (as on AWS; followers re-poll from the newest timestamp).
 */
export const filterLogEvents: Operation = (ctx, params) => {
  const group = ctx.store.group(groupNameOf(params));
  const inStreams = streamSelector(params);
  const startTime = params.integer('startTime', { min: 0 });
  const endTime = params.integer('endTime', { min: 0 });
  const matches = compileFilterPattern(params.string('filterPattern', { max: 1024 }) ?? '');
  const limit = params.integer('limit', { min: 1, max: 10_000 }) ?? 10_000;
  const token = params.string('nextToken', { min: 1 });
  // Accepted for compatibility and ignored, as on AWS (`interleaved` since 2019; `startFromHead` here).
  params.boolean('startFromHead');
  params.boolean('interleaved');
  params.boolean('unmask');

  const events = group.events;
  const fromStart = startTime === undefined ? 0 : firstIndex(events, (e) => e.timestamp >= startTime);
  const from =
    token === undefined ? fromStart : Math.max(fromStart, firstIndex(events, after(decodePosition(token, group.name))));
  const to = endTime === undefined ? events.length : firstIndex(events, (e) => e.timestamp > endTime);
  const segmentEnd = Math.min(to, (Math.floor(from / ctx.segmentSize) + 1) * ctx.segmentSize);

  const page = new Page<StoredEvent>(limit);
  let at = from;
  for (; at < segmentEnd; at += 1) {
    const event = events[at] as StoredEvent;
    if (!inStreams(event.logStreamName) || !matches(event.message)) continue;
    if (!page.add(event)) break;
  }
  const lastScanned = events[at - 1];
  const more = at < to && lastScanned !== undefined;
  return { events: page.items.map(filtered), ...(more ? { nextToken: encodePosition(group.name, lastScanned) } : {}) };
};

const filtered = (e: StoredEvent) => ({
  logStreamName: e.logStreamName,
  timestamp: e.timestamp,
  message: e.message,
  ingestionTime: e.ingestionTime,
  eventId: e.eventId,
});

function streamSelector(params: Params): (stream: string) => boolean {
  const names = params.strings('logStreamNames', { min: 1, max: 100 });
  const prefix = params.string('logStreamNamePrefix', { min: 1, max: 512 });
  if (names !== undefined && prefix !== undefined) {
    throw invalidParameter('logStreamNames and logStreamNamePrefix are mutually exclusive parameters.');
  }
  if (names !== undefined) return (stream) => names.includes(stream);
  if (prefix !== undefined) return (stream) => stream.startsWith(prefix);
  return () => true;
}
