import type { IncomingMessage } from 'node:http';
import type { Clock } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import { backoffMs } from '../backoff.ts';
import { type LogLine, parseLogLine, sinceTimeParam } from './log-line.ts';
import { readLines } from './log-request.ts';
import { isTransientStatus, statusOf } from './pod-log-failure.ts';
import type { PodLogPlan } from './pods.ts';
import { ResumePoint } from './resume-point.ts';

/** One follow watching a shared pod stream. */
export interface PodStreamViewer {
  /** A line of the pod's log, each once, in the order the stream sent them. */
  line(line: LogLine): void;
  /** A failure that retrying did not clear up: the stream ended with it. */
  failed(error: unknown, plan: PodLogPlan): void;
  /** Another replica's stream was taken over here: lines already given may come again and are to be skipped. */
  resumed?(): void;
}

export interface PodStreamDeps {
  /** Opens the pod's log with these query parameters; `signal` ends the request. */
  open: (plan: PodLogPlan, params: Record<string, string>, signal: AbortSignal) => Promise<IncomingMessage>;
  /** Where the first connection starts (epoch ms): the since of the follow that opened the stream. */
  since: number;
  pollMs: number;
  maxFailures: number;
  clock: Clock;
  log: Logger;
  /** Where an earlier stream of the pod got to, when this one takes over from it. */
  resume?: ResumePoint | undefined;
}

/**
 * One pod's `follow=true` log stream, read once for every follow watching that pod. Reconnects when the
 * stream ends while the container still runs (API server or kubelet timeouts, container restarts), resuming
 * after the last line seen; ends when its last viewer leaves, when the pod is gone (404), or with a failure
 * retrying did not clear up, which every viewer is told.
 */
export class PodStream {
  readonly done: Promise<void>;
  readonly #viewers = new Set<PodStreamViewer>();
  readonly #deps: PodStreamDeps;
  readonly #stop = new AbortController();
  readonly #resume: ResumePoint;
  readonly #ended: () => void;
  #plan: PodLogPlan;
  /** Failed connections in a row; a stream that opened ends the run. */
  #failures = 0;
  #over = false;

  /** `ended` runs once the stream is over, so the next follow of the pod opens a new one. */
  constructor(plan: PodLogPlan, deps: PodStreamDeps, ended: () => void) {
    this.#plan = plan;
    this.#deps = deps;
    this.#resume = deps.resume ?? new ResumePoint();
    this.#ended = ended;
    this.done = this.#run().finally(() => {
      this.#over = true;
      this.#ended();
    });
  }

  /** Ended, or ending: a follow of the pod must not join it. */
  get over(): boolean {
    return this.#over || this.#stop.signal.aborted;
  }

  get viewers(): number {
    return this.#viewers.size;
  }

  /** The pod as last listed by any viewer: whether its container runs decides whether an ended stream reopens. */
  update(plan: PodLogPlan): void {
    this.#plan = plan;
  }

  add(viewer: PodStreamViewer): void {
    this.#viewers.add(viewer);
  }

  /** Resolves at once while others watch; the last viewer's leave closes the stream and resolves when it has. */
  leave(viewer: PodStreamViewer): Promise<void> {
    this.#viewers.delete(viewer);
    if (this.#viewers.size > 0) return Promise.resolve();
    this.#stop.abort();
    return this.done;
  }

  async #run(): Promise<void> {
    const signal = this.#stop.signal;
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
          for (const viewer of this.#viewers) viewer.failed(error, this.#plan);
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
    const plan = this.#plan;
    const sinceTime = sinceTimeParam(this.#resume.from(this.#deps.since));
    const params = { container: plan.container, follow: 'true', timestamps: 'true', sinceTime };
    const res = await this.#deps.open(plan, params, this.#stop.signal);
    this.#failures = 0;
    this.#resume.reconnected();
    await readLines(res, (text) => {
      const line = parseLogLine(text);
      if (!line || !this.#resume.accept(line)) return;
      for (const viewer of this.#viewers) viewer.line(line);
    });
  }
}
