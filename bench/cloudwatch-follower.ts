import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import {
  CloudWatchLogSource,
  createCloudWatchClient,
  filterLogEventsLimit,
  LiveTailHub,
} from '../src/adapters/logs-cloudwatch/index.ts';
import { SharedLimits } from '../src/adapters/rate-limits/index.ts';
import { systemClock as clock } from '../src/ports/clock.ts';
import type { Logger } from '../src/ports/logger.ts';
import type { FollowNotice, LogEvent } from '../src/ports/logs.ts';

export const BENCH_GROUP = '/bench';
const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

/** A follow that runs until `stop()`: every batch it delivered with its arrival time, and what it was told. */
export interface RunningFollow {
  batches: { at: number; events: LogEvent[] }[];
  notices: FollowNotice[];
  /** Newest stamp delivered so far. */
  newest: number;
  /** Why the follow failed, when it did. */
  error: string | undefined;
  stop(): Promise<void>;
}

/**
 * CloudWatch log sources wired as the bot's composition root wires them (src/compose/clients.ts and logs.ts):
 * one SDK client, the account's FilterLogEvents quota of 5 calls a second, one Live Tail hub of 10 sessions,
 * follows polling every 5 s; the emulator stands in for CloudWatch.
 */
export class CloudWatchFollower {
  readonly #client: CloudWatchLogsClient;
  readonly #limits = new SharedLimits({ log: silent });
  readonly #polling: CloudWatchLogSource;
  readonly #live: CloudWatchLogSource;

  constructor(endpoint: string) {
    this.#client = createCloudWatchClient({
      region: 'us-east-1',
      endpoint,
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    const admit = filterLogEventsLimit(this.#client, this.#limits, 5);
    const hub = new LiveTailHub({ client: this.#client, maxSessions: 10, log: silent });
    const common = { client: this.#client, admit, group: () => BENCH_GROUP, clock, log: silent };
    this.#polling = new CloudWatchLogSource(common);
    this.#live = new CloudWatchLogSource({ ...common, liveTail: hub });
  }

  follow(mode: 'polling' | 'live', since: number): RunningFollow {
    const abort = new AbortController();
    const source = mode === 'live' ? this.#live : this.#polling;
    const run: RunningFollow = {
      batches: [],
      notices: [],
      newest: Number.NEGATIVE_INFINITY,
      error: undefined,
      stop: async () => {
        abort.abort();
        await done;
      },
    };
    const done = source
      .follow(
        { target: { service: 'bench', env: 'prod' }, since: new Date(since) },
        abort.signal,
        (events) => {
          run.batches.push({ at: Date.now(), events });
          for (const e of events) run.newest = Math.max(run.newest, e.timestamp);
        },
        (notice) => void run.notices.push(notice),
      )
      .catch((err: Error) => {
        run.error = err.message;
      });
    return run;
  }

  async close(): Promise<void> {
    await this.#limits.stop();
    this.#client.destroy();
  }
}
