import type { IncomingMessage } from 'node:http';
import type { Clock } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import type { LogEvent } from '../../ports/logs.ts';
import { parseLogLine, type Stamp, sinceTimeParam } from './log-line.ts';
import { readLines } from './log-request.ts';
import { isTransientStatus, statusOf } from './pod-log-failure.ts';
import { backoffMs } from '../backoff.ts';
import type { PodLogPlan } from './pods.ts';
import { ResumePoint } from './resume-point.ts';

export interface PodFollowerDeps {
  /** Opens the pod's log with these query parameters; `signal` ends the request. */
  open: (plan: PodLogPlan, params: Record<string, string>, signal: AbortSignal) => Promise<IncomingMessage>;
  push: (event: LogEvent, stamp: Stamp) => void;
  /** A failure that retrying did not clear up: the whole follow ends with it. */
  fail: (error: unknown, plan: PodLogPlan) => void;
  since: number;
  grep: string | undefined;
  pollMs: number;
  maxFailures: number;
  clock: Clock;
  log: Logger;
}

/**
 * Follows one pod's log: reconnects when the stream ends while the container still runs (API server or
 * kubelet timeouts, container restarts), resuming after the last line seen; ends when stopped or the pod is
 * gone (404).
 */
export class PodFollower {
  readonly done: Promise<void>;
  readonly #deps: PodFollowerDeps;
  readonly #stop = new AbortController();
  readonly #signal: AbortSignal;
  readonly #resume = new ResumePoint();
  #plan: PodLogPlan;
  #seq = 0;
  /** Failed connections in a row; a stream that opened ends the run. */
  #failures = 0;

  constructor(plan: PodLogPlan, deps: PodFollowerDeps, signal: AbortSignal) {
    this.#plan = plan;
    this.#deps = deps;
    this.#signal = AbortSignal.any([signal, this.#stop.signal]);
    this.done = this.#run();
  }

  /** The pod as last listed: whether its container runs decides whether an ended stream is reopened. */
  update(plan: PodLogPlan): void {
    this.#plan = plan;
  }

  stop(): void {
    this.#stop.abort();
  }

  async #run(): Promise<void> {
    const signal = this.#signal;
    for (let first = true; !signal.aborted; first = false) {
      // Every started pod is read once; a stream that ended is reopened only while the container runs.
      if (!first && !this.#plan.running) {
        await this.#deps.clock.sleep(this.#deps.pollMs, signal);
        continue;
      }
      try {
        await this.#stream();
      } catch (error) {
        if (signal.aborted) return;
        const status = statusOf(error);
        if (status === 404) return;
        // 400: the container is (re)starting; wait for it without giving up.
        if (status !== 400 && (!isTransientStatus(status) || ++this.#failures >= this.#deps.maxFailures)) {
          this.#deps.fail(error, this.#plan);
          return;
        }
        this.#deps.log.warn(
          { err: error, pod: this.#plan.pod, failures: this.#failures },
          'pod log stream failed; reconnecting',
        );
        await this.#deps.clock.sleep(backoffMs(this.#deps.pollMs, this.#failures), signal);
        continue;
      }
      await this.#deps.clock.sleep(this.#deps.pollMs, signal);
    }
  }

  async #stream(): Promise<void> {
    const { since, grep } = this.#deps;
    const plan = this.#plan;
    const sinceTime = sinceTimeParam(this.#resume.from(since));
    const params = { container: plan.container, follow: 'true', timestamps: 'true', sinceTime };
    const res = await this.#deps.open(plan, params, this.#signal);
    this.#failures = 0;
    this.#resume.reconnected();
    await readLines(res, (text) => {
      const line = parseLogLine(text);
      if (!line || line.stamp.ms < since || !this.#resume.accept(line)) return;
      if (grep && !line.text.includes(grep)) return;
      this.#seq += 1;
      const id = `${plan.origin}:${line.raw}:${this.#seq}`;
      this.#deps.push({ id, timestamp: line.stamp.ms, message: line.text, origin: plan.origin }, line.stamp);
    });
  }
}
