import type { KubeConfig } from '@kubernetes/client-node';
import type { Clock } from '../../ports/clock.ts';
import type { LogEvent, LogSnapshot } from '../../ports/logs.ts';
import { compareStamps, parseLogLine, type Stamp } from './log-line.ts';
import { openPodLog, readLines } from './log-request.ts';
import { podLogFailure, statusOf } from './pod-log-failure.ts';
import type { PodLogPlan } from './pods.ts';

export interface SnapshotRun {
  kc: KubeConfig;
  /** The kubeconfig context, for messages. */
  context: string;
  namespace: string;
  plans: PodLogPlan[];
  since: number;
  grep: string | undefined;
  limit: number;
  requestTimeoutMs: number;
  clock: Clock;
}

interface Stamped {
  event: LogEvent;
  stamp: Stamp;
  /** Position in the response, 1-based. */
  n: number;
}

// With --grep the newest `limit` lines may hold no match, so more lines are searched, within reason.
const GREP_TAIL_FACTOR = 10;
const GREP_TAIL_MAX = 20_000;

/**
 * Reads every pod's log in parallel (`sinceSeconds`, `tailLines`, `timestamps`), merges the lines by time and
 * keeps the newest `limit`. Older lines are left out beyond the tail read of a pod, or beyond `limit`. Each
 * pod's log is read to its end (or the read fails), so nothing after the lines returned goes unread.
 */
export async function snapshot(run: SnapshotRun): Promise<LogSnapshot> {
  const sinceSeconds = Math.max(1, Math.ceil((run.clock.now().getTime() - run.since) / 1000));
  const tail = run.grep ? Math.min(run.limit * GREP_TAIL_FACTOR, GREP_TAIL_MAX) : run.limit;
  const reads = await Promise.all(run.plans.map((plan) => readPod(run, plan, sinceSeconds, tail)));
  const merged = reads.flatMap((r) => r.lines).sort((a, b) => compareStamps(a.stamp, b.stamp));
  const kept = merged.slice(-run.limit);
  return {
    events: kept.map((l) => l.event),
    olderLeftOut: merged.length > kept.length || reads.some((r) => r.truncated),
  };
}

/** One pod's lines; asks for one line more than `tail` to learn whether older lines were left out. */
async function readPod(run: SnapshotRun, plan: PodLogPlan, sinceSeconds: number, tail: number) {
  const signal = AbortSignal.timeout(run.requestTimeoutMs);
  const params = {
    container: plan.container,
    timestamps: 'true',
    sinceSeconds: String(sinceSeconds),
    tailLines: String(tail + 1),
  };
  const lines: Stamped[] = [];
  let read = 0;
  try {
    const res = await openPodLog(
      run.kc,
      { namespace: run.namespace, pod: plan.pod, params },
      signal,
      run.requestTimeoutMs,
    );
    await readLines(res, (text) => {
      read += 1;
      const line = parseLogLine(text);
      // sinceSeconds counts whole seconds, so the server may start a little before `since`.
      if (!line || line.stamp.ms < run.since) return;
      if (run.grep && !line.text.includes(run.grep)) return;
      const event = {
        id: `${plan.origin}:${line.raw}:${read}`,
        timestamp: line.stamp.ms,
        message: line.text,
        origin: plan.origin,
      };
      lines.push({ event, stamp: line.stamp, n: read });
    });
  } catch (error) {
    // A pod deleted since it was listed has no log left to show; that is not a failure of the snapshot.
    if (statusOf(error) === 404) return { lines: [], truncated: false };
    throw podLogFailure(error, run.context, plan, run.requestTimeoutMs);
  }
  // The first of tail + 1 lines only told that older lines exist.
  const truncated = read > tail;
  return { lines: truncated ? lines.filter((l) => l.n !== 1) : lines, truncated };
}
