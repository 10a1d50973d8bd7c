import type { Operation } from './context.ts';
import { invalidParameter } from './errors.ts';
import { Page } from './paging.ts';
import { groupNameOf } from './resources.ts';
import { after, firstIndex, type Position } from './sorted.ts';
import type { StoredEvent } from './store.ts';

type Direction = 'f' | 'b';

/**
 * GetLogEvents on one stream, `startTime` inclusive to `endTime` exclusive. Tokens are `f/…` or `b/…`
 * positions between events: forward reads what lies after the position, backward what lies at or before
 * it. A read that finds nothing returns the token it was given, which is how clients detect the end.
 */
export const getLogEvents: Operation = (ctx, params) => {
  const group = ctx.store.group(groupNameOf(params));
  const stream = ctx.store.stream(group, params.requiredString('logStreamName', { min: 1, max: 512 }));
  const startTime = params.integer('startTime', { min: 0 });
  const endTime = params.integer('endTime', { min: 0 });
  const limit = params.integer('limit', { min: 1, max: 10_000 }) ?? 10_000;
  const startFromHead = params.boolean('startFromHead') ?? false;
  const token = params.string('nextToken', { min: 1 });
  params.boolean('unmask');

  const cursor: { direction: Direction; position: Position } = token
    ? decodeCursor(token)
    : startFromHead
      ? { direction: 'f', position: { timestamp: startTime ?? 0, seq: 0 } }
      : { direction: 'b', position: { timestamp: endTime ?? Number.MAX_SAFE_INTEGER, seq: 0 } };

  const events = stream.events;
  const lo = startTime === undefined ? 0 : firstIndex(events, (e) => e.timestamp >= startTime);
  const hi = endTime === undefined ? events.length : firstIndex(events, (e) => e.timestamp >= endTime);
  const split = firstIndex(events, after(cursor.position));
  const page = new Page<StoredEvent>(limit);
  if (cursor.direction === 'f') {
    for (let at = Math.max(lo, split); at < hi && page.add(events[at] as StoredEvent); at += 1);
  } else {
    for (let at = Math.min(hi, split) - 1; at >= lo && page.add(events[at] as StoredEvent); at -= 1);
    page.items.reverse();
  }
  const first = page.items[0];
  const last = page.items.at(-1);
  return {
    events: page.items.map(output),
    nextForwardToken: encodeCursor('f', last ?? cursor.position),
    nextBackwardToken: encodeCursor('b', first ? { timestamp: first.timestamp, seq: first.seq - 1 } : cursor.position),
  };
};

const output = (e: StoredEvent) => ({ timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime });

// Shaped like AWS's tokens (`f/` + 56 digits + `/s`): the timestamp and the ingestion sequence, zero-padded.
const encodeCursor = (direction: Direction, p: Position): string =>
  `${direction}/${String(p.timestamp).padStart(20, '0')}${String(p.seq).padStart(36, '0')}/s`;

function decodeCursor(token: string): { direction: Direction; position: Position } {
  const match = /^([fb])\/(\d{20})(\d{36})\/s$/.exec(token);
  if (!match) throw invalidParameter('The specified nextToken is invalid.');
  return { direction: match[1] as Direction, position: { timestamp: Number(match[2]), seq: Number(match[3]) } };
}
