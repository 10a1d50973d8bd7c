import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { Clock } from '../../ports/clock.ts';
import type { FollowNotice, LogEvent } from '../../ports/logs.ts';
import { type FilterAdmission, filterPage } from './filter-page.ts';
import { LIVE_TAIL_EVENTS_PER_SECOND, type LiveScope, type LiveTailHub } from './live-tail-hub.ts';
import { type RetryPolicy, withRetry } from './retry.ts';
import { type ShareMeasure, shareOf } from './sampling-share.ts';

export interface LiveFollowRun {
  hub: LiveTailHub;
  client: CloudWatchLogsClient;
  admit: FilterAdmission;
  scope: LiveScope;
  since: number;
  retry: RetryPolicy;
  clock: Clock;
  signal: AbortSignal;
  deliver: (events: LogEvent[]) => void;
  notify: (notice: FollowNotice) => void;
}

/** Why a follow could not go on over Live Tail, and where polling should pick it up. */
export interface Fallback {
  reason: string;
  resumeFrom: number;
}

/**
 * A follow over the scope's shared Live Tail session. Live Tail shows only what is stored after a session
 * starts, so the lines from `since` up to the moment of joining are read with FilterLogEvents first, while
 * the session's events wait; then the session's events go out as they come. Resolves when `signal` aborts,
 * or with a Fallback when Live Tail was refused or failed, for polling to carry on from.
 */
export async function followLive(run: LiveFollowRun): Promise<Fallback | undefined> {
  const { signal } = run;
  let waiting: LogEvent[] | undefined = [];
  // Keys of the history read, checked against the session's events for as long as one stored before the
  // read could still come (CloudWatch holds at most 10 updates for a client); then forgotten.
  let history = new Set<string>();
  let updatesLeft = HISTORY_OVERLAP_UPDATES;
  const fromSession = (events: LogEvent[]) => {
    if (updatesLeft === 0) return send(events);
    updatesLeft -= 1;
    send(events.filter((e) => !history.has(key(e))));
    if (updatesLeft === 0) history = new Set();
  };
  let newest = run.since;
  let failure: string | undefined;
  let wake: () => void = () => {};
  const send = (events: LogEvent[]) => {
    if (signal.aborted || events.length === 0) return;
    for (const e of events) newest = Math.max(newest, e.timestamp);
    run.deliver(events);
  };
  const joined = await run.hub.join(run.scope, {
    deliver: (events) => (waiting ? waiting.push(...events) : fromSession(events)),
    sampled: (sampled, measured) => run.notify(sampled ? sampledNotice(measured) : { kind: 'unsampled' }),
    ended: (reason) => {
      failure = reason;
      wake();
    },
  });
  if (!joined.joined) return { reason: joined.reason, resumeFrom: run.since };
  try {
    run.notify({ kind: 'live', viewers: joined.viewers });
    const joinedAt = run.clock.now().getTime();
    const read = await readRange(run, run.since, joinedAt);
    if (read === undefined) return undefined;
    // An event stored after the session started and before the read is in both; the read's copy goes out.
    history = new Set(read.map(key));
    send(read);
    const queued = waiting;
    waiting = undefined;
    fromSession(queued);
    await new Promise<void>((resolve) => {
      wake = resolve;
      if (failure !== undefined || signal.aborted) resolve();
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
    if (signal.aborted) return undefined;
    return { reason: failure ?? 'the Live Tail session ended', resumeFrom: newest + 1 };
  } finally {
    joined.leave();
  }
}

const HISTORY_OVERLAP_UPDATES = 12;

function sampledNotice(measured: ShareMeasure | undefined): FollowNotice {
  const perSecond = LIVE_TAIL_EVENTS_PER_SECOND;
  if (!measured) return { kind: 'sampled', share: undefined, perSecond };
  const { shown, matched, from, to } = measured;
  const share = shareOf(shown, matched);
  return { kind: 'sampled', share, perSecond, measured: { shown, matched, from: new Date(from), to: new Date(to) } };
}

const key = (e: LogEvent) => `${e.origin}\u0000${e.timestamp}\u0000${e.message}`;

/** Every event stamped from `from` up to before `to`, oldest first; undefined when `signal` aborted. */
async function readRange(run: LiveFollowRun, from: number, to: number): Promise<LogEvent[] | undefined> {
  const events: LogEvent[] = [];
  let nextToken: string | undefined;
  do {
    const window = { startTime: from, endTime: to - 1, nextToken };
    const caller = { client: run.client, admit: run.admit, urgency: 'bulk' as const };
    const page = await withRetry(() => filterPage(caller, run.scope, window, run.signal), run.signal, run.retry);
    if (page === undefined || run.signal.aborted) return undefined;
    events.push(...page.events);
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  return events;
}
