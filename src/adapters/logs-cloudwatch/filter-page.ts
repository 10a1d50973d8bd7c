import {
  type CloudWatchLogsClient,
  FilterLogEventsCommand,
  type FilteredLogEvent,
} from '@aws-sdk/client-cloudwatch-logs';
import type { LogEvent } from '../../ports/logs.ts';

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

/** One FilterLogEvents call; `signal` cancels the HTTP request itself. */
export async function filterPage(
  client: CloudWatchLogsClient,
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
  const output = await client.send(command, { abortSignal: signal });
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
