import type { Operation } from './context.ts';
import { AwsError, invalidParameter } from './errors.ts';
import { Params } from './params.ts';
import { sequenceToken, type NewEvent } from './store.ts';

const HOUR = 3_600_000;
// AWS's PutLogEvents limits: a batch of at most 1 MB counted as message bytes plus 26 per event, spanning
// at most 24 hours; events more than 14 days old or 2 hours ahead are rejected, not stored.
const MAX_BATCH_BYTES = 1_048_576;
const EVENT_OVERHEAD = 26;
const MAX_SPAN = 24 * HOUR;
const TOO_OLD = 14 * 24 * HOUR;
const TOO_NEW = 2 * HOUR;

export const createLogGroup: Operation = (ctx, params) => {
  ctx.store.createGroup(params.requiredString('logGroupName', { min: 1, max: 512 }), ctx.now());
  return undefined;
};

export const createLogStream: Operation = (ctx, params) => {
  const group = ctx.store.group(params.requiredString('logGroupName', { min: 1, max: 512 }));
  ctx.store.createStream(group, params.requiredString('logStreamName', { min: 1, max: 512 }), ctx.now());
  return undefined;
};

/** PutLogEvents: stores the events in range and reports the rest in `rejectedLogEventsInfo`. */
export const putLogEvents: Operation = (ctx, params) => {
  const group = ctx.store.group(params.requiredString('logGroupName', { min: 1, max: 512 }));
  const stream = ctx.store.stream(group, params.requiredString('logStreamName', { min: 1, max: 512 }));
  const items = params.requiredList('logEvents', { min: 1, max: 10_000 });
  // Ignored by AWS since 2023; read only so a wrongly typed one is still refused.
  params.string('sequenceToken');
  const batch = items.map(readEvent);
  const bytes = batch.reduce((sum, e) => sum + Buffer.byteLength(e.message) + EVENT_OVERHEAD, 0);
  if (bytes > MAX_BATCH_BYTES) {
    throw invalidParameter(`Log event batch is too large: ${bytes} bytes; the maximum is ${MAX_BATCH_BYTES}.`);
  }
  if (batch.some((e, i) => i > 0 && e.timestamp < (batch[i - 1]?.timestamp ?? 0))) {
    throw invalidParameter('Log events in a single PutLogEvents request must be in chronological order.');
  }
  if ((batch.at(-1)?.timestamp ?? 0) - (batch[0]?.timestamp ?? 0) > MAX_SPAN) {
    throw invalidParameter('The batch of log events in a single PutLogEvents request cannot span more than 24 hours.');
  }
  const now = ctx.now();
  // Chronological order makes the too-old events a prefix and the too-new ones a suffix.
  const oldEnd = batch.findIndex((e) => e.timestamp >= now - TOO_OLD);
  const tooOldEnd = oldEnd === -1 ? batch.length : oldEnd;
  const newStart = batch.findIndex((e) => e.timestamp > now + TOO_NEW);
  const tooNewStart = newStart === -1 ? batch.length : newStart;
  ctx.store.append(group, stream, batch.slice(tooOldEnd, Math.max(tooOldEnd, tooNewStart)), now);
  const rejected = {
    ...(tooOldEnd > 0 ? { tooOldLogEventEndIndex: tooOldEnd } : {}),
    ...(tooNewStart < batch.length ? { tooNewLogEventStartIndex: tooNewStart } : {}),
  };
  const anyRejected = Object.keys(rejected).length > 0;
  return { nextSequenceToken: sequenceToken(stream), ...(anyRejected ? { rejectedLogEventsInfo: rejected } : {}) };
};

function readEvent(item: unknown, index: number): NewEvent {
  const path = `logEvents.${index + 1}.member.`;
  if (typeof item !== 'object' || item === null)
    throw new AwsError('SerializationException', `Expected a structure for ${path}`);
  const event = new Params(item as Record<string, unknown>, path);
  return {
    timestamp: event.requiredInteger('timestamp', { min: 0 }),
    message: event.requiredString('message', { min: 1 }),
  };
}
