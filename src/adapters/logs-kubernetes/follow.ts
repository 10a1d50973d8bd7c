import type { IncomingMessage } from 'node:http';
import type { Clock } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import type { LogEvent } from '../../ports/logs.ts';
import { Batcher } from './batcher.ts';
import { backoffMs } from '../backoff.ts';
import { PodFollower } from './pod-follower.ts';
import type { PodStreamScope, PodStreams } from './pod-streams.ts';
import type { PodLogPlan } from './pods.ts';

export interface FollowRun {
  /** The pods to follow now; throws when they cannot be listed. */
  plans: () => Promise<PodLogPlan[]>;
  /** The process's pod streams, shared with every other follow of the same pods, and this follow's part of them. */
  streams: PodStreams;
  scope: PodStreamScope;
  open: (plan: PodLogPlan, params: Record<string, string>, signal: AbortSignal) => Promise<IncomingMessage>;
  /** Whether a failed listing or stream is worth retrying. */
  isTransient: (error: unknown) => boolean;
  /** Turns a stream failure that did not clear up into the error the follow rejects with. */
  streamFailure: (error: unknown, plan: PodLogPlan) => Error;
  since: number;
  grep: string | undefined;
  pollMs: number;
  maxFailures: number;
  clock: Clock;
  signal: AbortSignal;
  deliver: (events: LogEvent[]) => void;
  log: Logger;
}

const BATCH_LINES = 100;
const BATCH_WAIT_MS = 200;

/**
 * Streams the logs of every pod of the selector in parallel, merged into small time-ordered batches. The pod
 * list is polled every `pollMs`: pods that appear are watched (from `since`, so their first lines are kept),
 * pods that are gone are not. Each pod's stream is shared with the other follows of that pod (`streams`).
 * Resolves when `signal` aborts, after every stream this follow was the last to watch is closed.
 */
export async function follow(run: FollowRun): Promise<void> {
  const halt = new AbortController();
  const signal = AbortSignal.any([run.signal, halt.signal]);
  let fatal: { error: unknown } | undefined;
  const fail = (error: unknown) => {
    fatal ??= { error };
    halt.abort();
  };
  const batcher = new Batcher({
    deliver: run.deliver,
    signal: run.signal,
    onError: fail,
    maxLines: BATCH_LINES,
    maxWaitMs: BATCH_WAIT_MS,
  });
  const followers = new Map<string, PodFollower>();
  // Streams of pods that went away, until they have closed.
  const ending = new Set<Promise<void>>();
  const deps = {
    streams: run.streams,
    scope: run.scope,
    open: run.open,
    push: batcher.push.bind(batcher),
    fail: (error: unknown, plan: PodLogPlan) => fail(run.streamFailure(error, plan)),
    since: run.since,
    grep: run.grep,
    pollMs: run.pollMs,
    maxFailures: run.maxFailures,
    clock: run.clock,
    log: run.log,
  };

  let listedOnce = false;
  for (let failures = 0; !signal.aborted; ) {
    let plans: PodLogPlan[];
    try {
      plans = await run.plans();
      listedOnce = true;
      failures = 0;
    } catch (error) {
      if (signal.aborted) break;
      // The first listing decides whether the follow can start at all (unknown pod, context, no access).
      if (!listedOnce || !run.isTransient(error) || ++failures >= run.maxFailures) {
        fail(error);
        break;
      }
      run.log.warn({ err: error, failures }, 'listing pods for a log follow failed; retrying');
      await run.clock.sleep(backoffMs(run.pollMs, failures), signal);
      continue;
    }
    const listed = new Set(plans.map((p) => p.key));
    for (const plan of plans) {
      const existing = followers.get(plan.key);
      if (existing) existing.update(plan);
      else followers.set(plan.key, new PodFollower(plan, deps, signal));
    }
    for (const [key, follower] of followers) {
      if (listed.has(key)) continue;
      follower.stop();
      followers.delete(key);
      ending.add(follower.done);
      void follower.done.then(() => ending.delete(follower.done));
    }
    await run.clock.sleep(run.pollMs, signal);
  }

  halt.abort();
  await Promise.all([...[...followers.values()].map((f) => f.done), ...ending]);
  if (fatal && !run.signal.aborted) {
    batcher.flush();
    batcher.close();
    throw fatal.error;
  }
  batcher.close();
}
