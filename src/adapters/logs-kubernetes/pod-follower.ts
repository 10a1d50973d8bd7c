import type { IncomingMessage } from 'node:http';
import type { Clock } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import type { LogEvent } from '../../ports/logs.ts';
import { backoffMs } from '../backoff.ts';
import { type LogLine, parseLogLine, type Stamp, sinceTimeParam } from './log-line.ts';
import { readLines } from './log-request.ts';
import { isTransientStatus, statusOf } from './pod-log-failure.ts';
import type { PodStreamViewer } from './pod-stream.ts';
import type { SharedPodStream } from './pod-stream-cluster.ts';
import type { PodStreamScope, PodStreams } from './pod-streams.ts';
import type { PodLogPlan } from './pods.ts';
import { ResumePoint } from './resume-point.ts';

export interface PodFollowerDeps {
  /** The process's pod streams, and which of them this follow's pods belong to. */
  streams: PodStreams;
  scope: PodStreamScope;
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
 * One follow's view of one pod: watches the pod's shared stream, keeping the lines from its own `since` that
 * match its own grep. A follow that joins a stream already running reads the pod's log since its `since`
 * once, without follow, while the stream's lines wait; then the waiting lines go through the same resume
 * point a reconnect uses, so the hand-over neither repeats nor loses a line.
 */
export class PodFollower implements PodStreamViewer {
  readonly done: Promise<void>;
  readonly #deps: PodFollowerDeps;
  readonly #stop = new AbortController();
  readonly #signal: AbortSignal;
  readonly #resume = new ResumePoint();
  readonly #stream: SharedPodStream;
  #plan: PodLogPlan;
  #seq = 0;
  /** Stream lines that arrived while the catch-up read ran. */
  #waiting: LogLine[] | undefined;

  constructor(plan: PodLogPlan, deps: PodFollowerDeps, signal: AbortSignal) {
    this.#plan = plan;
    this.#deps = deps;
    this.#signal = AbortSignal.any([signal, this.#stop.signal]);
    const { since, pollMs, maxFailures, clock, log } = deps;
    const joined = deps.streams.join(
      deps.scope,
      plan,
      { open: deps.open, since, pollMs, maxFailures, clock, log },
      this,
    );
    this.#stream = joined.stream;
    if (!joined.opened) this.#waiting = [];
    const left = new Promise<void>((resolve) => {
      const leave = () => resolve(this.#stream.leave(this));
      if (this.#signal.aborted) leave();
      else this.#signal.addEventListener('abort', leave, { once: true });
    });
    this.done = Promise.all([joined.opened ? undefined : this.#catchUp(), left]).then(() => undefined);
  }

  /** The pod as last listed: whether its container runs decides whether an ended stream is reopened. */
  update(plan: PodLogPlan): void {
    this.#plan = plan;
    this.#stream.update(plan);
  }

  stop(): void {
    this.#stop.abort();
  }

  line(line: LogLine): void {
    if (this.#signal.aborted) return;
    if (this.#waiting) this.#waiting.push(line);
    else this.#accept(line);
  }

  resumed(): void {
    // While catching up, the hand-over to the stream's lines skips what was seen anyway.
    if (!this.#waiting) this.#resume.reconnected();
  }

  failed(error: unknown, plan: PodLogPlan): void {
    if (!this.#signal.aborted) this.#deps.fail(error, plan);
  }

  #accept(line: LogLine): void {
    const { since, grep } = this.#deps;
    if (line.stamp.ms < since || !this.#resume.accept(line)) return;
    if (grep && !line.text.includes(grep)) return;
    this.#seq += 1;
    const origin = this.#plan.origin;
    this.#deps.push(
      { id: `${origin}:${line.raw}:${this.#seq}`, timestamp: line.stamp.ms, message: line.text, origin },
      line.stamp,
    );
  }

  /** Reads what the pod logged since `since` up to now, then hands over to the waiting stream lines. */
  async #catchUp(): Promise<void> {
    const signal = this.#signal;
    const params = { container: this.#plan.container, timestamps: 'true', sinceTime: sinceTimeParam(this.#deps.since) };
    for (let failures = 0; !signal.aborted; ) {
      // A read that broke off is read again from the start: what it already gave is skipped.
      this.#resume.reconnected();
      try {
        const res = await this.#deps.open(this.#plan, params, signal);
        await readLines(res, (text) => {
          const line = parseLogLine(text);
          if (line) this.#accept(line);
        });
        break;
      } catch (error) {
        if (signal.aborted) return;
        const status = statusOf(error);
        // Gone (404) or not started yet (400): there is no earlier log to show, only what the stream sends.
        if (status === 404 || status === 400) break;
        if (!isTransientStatus(status) || ++failures >= this.#deps.maxFailures) {
          this.failed(error, this.#plan);
          return;
        }
        this.#deps.log.warn({ err: error, pod: this.#plan.pod, failures }, 'reading a pod log failed; retrying');
        await this.#deps.clock.sleep(backoffMs(this.#deps.pollMs, failures), signal);
      }
    }
    const waiting = this.#waiting ?? [];
    this.#waiting = undefined;
    this.#resume.reconnected();
    for (const line of waiting) this.#accept(line);
  }
}
