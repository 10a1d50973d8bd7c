import type { Operation } from './context.ts';
import { invalidParameter } from './errors.ts';
import { pageByOffset } from './paging.ts';
import { violation } from './params.ts';
import { groupArn, groupNameOf, streamArn } from './resources.ts';
import { sequenceToken, type LogGroup, type LogStream } from './store.ts';

const bytesOf = (events: readonly { message: string }[]): number =>
  events.reduce((sum, e) => sum + Buffer.byteLength(e.message), 0);

/** DescribeLogGroups: by name, filtered by `logGroupNamePrefix` or (case-insensitive) `logGroupNamePattern`. */
export const describeLogGroups: Operation = (ctx, params) => {
  const prefix = params.string('logGroupNamePrefix', { min: 1, max: 512 });
  const pattern = params.string('logGroupNamePattern', { max: 512 })?.toLowerCase();
  if (prefix !== undefined && pattern !== undefined) {
    throw invalidParameter('LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.');
  }
  const limit = params.integer('limit', { min: 1, max: 50 }) ?? 50;
  const groups = ctx.store
    .groups()
    .filter((g) => prefix === undefined || g.name.startsWith(prefix))
    .filter((g) => pattern === undefined || g.name.toLowerCase().includes(pattern));
  const page = pageByOffset(groups, limit, params.string('nextToken', { min: 1 }));
  return { logGroups: page.items.map(describeGroup), ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
};

const describeGroup = (g: LogGroup) => ({
  logGroupName: g.name,
  creationTime: g.creationTime,
  metricFilterCount: 0,
  arn: `${groupArn(g.name)}:*`,
  storedBytes: bytesOf(g.events),
  logGroupClass: 'STANDARD',
  logGroupArn: groupArn(g.name),
});

const ORDERS = ['LogStreamName', 'LastEventTime'] as const;

/** DescribeLogStreams: by name (optionally by prefix) or by last event time, ascending unless `descending`. */
export const describeLogStreams: Operation = (ctx, params) => {
  const group = ctx.store.group(groupNameOf(params));
  const prefix = params.string('logStreamNamePrefix', { min: 1, max: 512 });
  const orderBy = params.string('orderBy') ?? 'LogStreamName';
  if (!(ORDERS as readonly string[]).includes(orderBy)) {
    throw violation(orderBy, 'orderBy', `Member must satisfy enum value set: [${ORDERS.join(', ')}]`);
  }
  if (orderBy === 'LastEventTime' && prefix !== undefined) {
    throw invalidParameter('Cannot order by LastEventTime with a logStreamNamePrefix.');
  }
  const descending = params.boolean('descending') ?? false;
  const limit = params.integer('limit', { min: 1, max: 50 }) ?? 50;
  const byName = (a: LogStream, b: LogStream) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const lastEvent = (s: LogStream) => s.events.at(-1)?.timestamp ?? 0;
  const streams = [...group.streams.values()]
    .filter((s) => prefix === undefined || s.name.startsWith(prefix))
    .sort(orderBy === 'LogStreamName' ? byName : (a, b) => lastEvent(a) - lastEvent(b) || byName(a, b));
  if (descending) streams.reverse();
  const page = pageByOffset(streams, limit, params.string('nextToken', { min: 1 }));
  return {
    logStreams: page.items.map((s) => describeStream(group, s)),
    ...(page.nextToken ? { nextToken: page.nextToken } : {}),
  };
};

const describeStream = (g: LogGroup, s: LogStream) => ({
  logStreamName: s.name,
  creationTime: s.creationTime,
  ...(s.events.length > 0
    ? { firstEventTimestamp: s.events[0]?.timestamp, lastEventTimestamp: s.events.at(-1)?.timestamp }
    : {}),
  ...(s.lastIngestionTime === undefined ? {} : { lastIngestionTime: s.lastIngestionTime }),
  uploadSequenceToken: sequenceToken(s),
  arn: streamArn(g.name, s.name),
  // Deprecated by AWS and always 0 there.
  storedBytes: 0,
});
