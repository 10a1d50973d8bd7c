import {
  type CloudWatchLogsClient,
  FilterLogEventsCommand,
  type FilteredLogEvent,
} from '@aws-sdk/client-cloudwatch-logs';
import type { Urgency } from '../../core/message.ts';
import type { LogEvent } from '../../ports/logs.ts';

/**
 * Admits each FilterLogEvents call under the account's quota per region (5 TPS by default), shared by every
 * snapshot and follow; `prompt` calls (a snapshot someone waits for) go before `bulk` ones (follow polls).
 */
export type FilterAdmission = <T>(call: () => Promise<T>, urgency: Urgency) => Promise<T>;

/** No quota of our own: the SDK's retries and the source's backoff absorb throttling. */
export const unlimited: FilterAdmission = (call) => call();

/** The part of a FilterLogEvents request that stays the same for one snapshot or follow. */
export interface FilterScope {
  group: string;
  filterPattern: string | undefined;
  streamPrefix: string | undefined;
}

export interface Page {
  events: LogEvent[];
  nextToken: string | undefined;
}

/** One FilterLogEvents call once `admit` lets it go; `signal` cancels the HTTP request itself. */
export async function filterPage(
  caller: { client: CloudWatchLogsClient; admit: FilterAdmission; urgency: Urgency },
  scope: FilterScope,
  window: { startTime: number; endTime?: number | undefined; nextToken?: string | undefined },
  signal: AbortSignal,
): Promise<Page> {
  const command = new FilterLogEventsCommand({
    logGroupName: scope.group,
    startTime: window.startTime,
    endTime: window.endTime,
    nextToken: window.nextToken,
    filterPattern: scope.filterPattern || undefined,
    logStreamNamePrefix: scope.streamPrefix || undefined,
  });
  const output = await caller.admit(() => caller.client.send(command, { abortSignal: signal }), caller.urgency);
  return {
    events: (output.events ?? []).map((e) => toLogEvent(e, scope.group)),
    nextToken: output.nextToken || undefined,
  };
}

function toLogEvent(e: FilteredLogEvent, group: string): LogEvent {
  const timestamp = e.timestamp ?? 0;
  return {
    // eventId is always set by the service; the fallback only keeps ids unique if it ever is not.
    id: e.eventId ?? `${e.logStreamName ?? group}:${timestamp}:${e.ingestionTime ?? 0}:${e.message ?? ''}`,
    timestamp,
    message: e.message ?? '',
    origin: e.logStreamName ?? group,
  };
}
