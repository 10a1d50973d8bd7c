import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { Logger } from '../../ports/logger.ts';
import type { LogEvent } from '../../ports/logs.ts';
import { LiveTailCluster, type LiveTailClusterOptions } from './live-tail-cluster.ts';
import { type SamplingMeasure, Upstream } from './live-tail-upstream.ts';
import type { ShareMeasure } from './sampling-share.ts';

/** What one Live Tail session reads: follows of the same scope share it. */
export interface LiveScope {
  env: string;
  group: string;
  filterPattern: string | undefined;
  streamPrefix: string | undefined;
}

/** One follow watching a shared session. */
export interface LiveViewer {
  deliver(events: LogEvent[]): void;
  /**
   * CloudWatch started or stopped sampling the session's events; while it samples, `measured` says later what
   * share of them the session delivers, when that was counted and moved enough to be worth saying.
   */
  sampled(sampled: boolean, measured?: ShareMeasure): void;
  /** The session ended under the viewer (a streaming failure, a restart that was refused). */
  ended(reason: string): void;
}

export type JoinResult = { joined: true; viewers: number; leave: () => void } | { joined: false; reason: string };

export interface LiveTailHubOptions {
  client: CloudWatchLogsClient;
  /** Sessions opsdeck keeps open at once for the client's account and region (CloudWatch allows 15). */
  maxSessions: number;
  log: Logger;
  /** Measures what share of the events a sampled session shows; without it, none is measured. */
  sampling?: SamplingMeasure | undefined;
  /** Shares each session and the cap with the other replicas (REDIS_URL); without it, within this process. */
  cluster?: LiveTailClusterOptions | undefined;
}

/** CloudWatch sends at most this many events in an update, one update a second, and samples above it. */
export const LIVE_TAIL_EVENTS_PER_SECOND = 500;

/**
 * One StartLiveTail session per scope (log group, filter, streams, environment), shared by every follow of
 * it whatever channel it posts to: sessions are billed per minute and capped per account and region. A
 * session opens with its first viewer and is closed when the last one leaves; one that times out (3 h) while
 * watched is opened again. Starting beyond `maxSessions` is refused here, before CloudWatch is asked. With a
 * cluster, replicas share sessions and the cap (`live-tail-cluster.ts`); while Redis cannot be reached, a
 * follow shares sessions and the cap within this process only.
 */
export class LiveTailHub {
  readonly #options: LiveTailHubOptions;
  readonly #sessions = new Map<string, Upstream>();

  readonly #cluster: LiveTailCluster | undefined;

  constructor(options: LiveTailHubOptions) {
    this.#options = options;
    if (options.cluster) {
      const { client, log, maxSessions, sampling } = options;
      const upstream = { client, log, sampling };
      this.#cluster = new LiveTailCluster({ ...options.cluster, upstream, maxSessions, log });
    }
  }

  /** Sessions this process has open now (for tests and metrics). */
  get open(): number {
    return this.#sessions.size + (this.#cluster?.owned ?? 0);
  }

  get maxSessions(): number {
    return this.#options.maxSessions;
  }

  async join(scope: LiveScope, viewer: LiveViewer): Promise<JoinResult> {
    const shared = await this.#cluster?.join(scope, viewer);
    if (shared) return shared;
    const key = JSON.stringify([scope.env, scope.group, scope.filterPattern ?? '', scope.streamPrefix ?? '']);
    let upstream = this.#sessions.get(key);
    if (!upstream) {
      if (this.#sessions.size >= this.#options.maxSessions) {
        return {
          joined: false,
          reason:
            `all ${this.#options.maxSessions} Live Tail sessions opsdeck may hold for this AWS account and region ` +
            'are in use',
        };
      }
      upstream = new Upstream(this.#options, scope, () => this.#sessions.delete(key));
      this.#sessions.set(key, upstream);
    }
    const started = await upstream.started;
    if (started !== true) return { joined: false, reason: started };
    // The last viewer may have left while this one waited for the start: open a session of its own.
    if (upstream.closed) return this.join(scope, viewer);
    upstream.viewers.add(viewer);
    return { joined: true, viewers: upstream.viewers.size, leave: () => upstream.leave(viewer) };
  }

  /** Closes the sessions this replica owns and gives their leases up (shutdown). */
  async stop(): Promise<void> {
    await this.#cluster?.stop();
  }
}
