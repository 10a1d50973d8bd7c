import { createHash } from 'node:crypto';
import type { Clock } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import type { LeaseStore } from '../../ports/store.ts';
import { HeldLease } from '../shared-upstreams/held-lease.ts';
import { presence, type UpstreamRedis } from '../shared-upstreams/redis.ts';
import { Rounds } from '../shared-upstreams/rounds.ts';
import { parseLogLine } from './log-line.ts';
import { PodLogError } from './log-request.ts';
import { statusOf } from './pod-log-failure.ts';
import { PodStream, type PodStreamDeps, type PodStreamViewer } from './pod-stream.ts';
import type { PodLogPlan } from './pods.ts';
import { ResumePoint } from './resume-point.ts';

export interface PodStreamClusterOptions {
  redis: UpstreamRedis;
  leases: LeaseStore;
  /** This process, as the holder of stream leases and as a viewer in Redis. */
  holder: string;
  /** Prefix of the Redis keys and channels; replicas of one bot share it. */
  prefix: string;
  /** How long an owner's lease and a replica's presence last unless renewed (every third of it). */
  leaseMs: number;
  clock: Clock;
  log: Logger;
}

/** What the owner of a pod stream publishes: a line as the API sent it, or the failure that ended the stream. */
type PodStreamMessage =
  | { kind: 'line'; text: string; from: string }
  | { kind: 'failed'; message: string; status: number | undefined; from: string };

/** What a follow holds of a pod stream, shared in this process or across replicas. */
export interface SharedPodStream {
  readonly over: boolean;
  update(plan: PodLogPlan): void;
  leave(viewer: PodStreamViewer): Promise<void>;
}

/**
 * Pod streams shared by every replica through the store and Redis, as Live Tail sessions are. The replica
 * holding a stream's lease reads the pod's `follow=true` log and publishes each line on the stream's channel;
 * the others subscribe. Each replica records its number of follows of the stream in Redis, renewed every third
 * of `leaseMs`, so the owner closes the stream when no replica has a follow left. An owner that stops renewing
 * loses its lease; a replica with follows takes it and reads on after the last line it was sent.
 */
export class PodStreamCluster {
  readonly #options: PodStreamClusterOptions;
  readonly #streams = new Map<string, ClusterPodStream>();

  constructor(options: PodStreamClusterOptions) {
    this.#options = options;
    options.redis.subscriber.on('message', (channel: string, text: string) => {
      this.#streams.get(channel)?.receive(text);
    });
  }

  /** Streams this replica reads now. */
  get owned(): number {
    let owned = 0;
    for (const stream of this.#streams.values()) if (stream.owning) owned += 1;
    return owned;
  }

  /** Streams this replica follows now, read here or elsewhere. */
  get open(): number {
    return this.#streams.size;
  }

  join(key: string, plan: PodLogPlan, deps: PodStreamDeps, viewer: PodStreamViewer): SharedPodStream {
    const channel = `${this.#options.prefix}podlog:${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;
    let stream = this.#streams.get(channel);
    if (!stream || stream.over) {
      const made = new ClusterPodStream(this.#options, channel, plan, deps, () => {
        if (this.#streams.get(channel) === made) this.#streams.delete(channel);
      });
      stream = made;
      this.#streams.set(channel, stream);
    }
    stream.update(plan);
    stream.add(viewer);
    return stream;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.#streams.values()].map((stream) => stream.close()));
    this.#options.redis.client.disconnect();
    this.#options.redis.subscriber.disconnect();
  }
}

class ClusterPodStream implements SharedPodStream {
  readonly #options: PodStreamClusterOptions;
  readonly #channel: string;
  readonly #deps: PodStreamDeps;
  readonly #forget: () => void;
  readonly #viewers = new Set<PodStreamViewer>();
  readonly #stop = new AbortController();
  /** The last line read here or sent by the owner: a replica taking the stream over reads on from it. */
  readonly #resume = new ResumePoint();
  #plan: PodLogPlan;
  readonly #rounds: Rounds;
  #upstream: PodStream | undefined;
  /** Held while this replica reads the stream for all of them; none while it reads it for itself only. */
  #lease: HeldLease | undefined;
  /** Whether this replica read the stream before or was sent its lines: taking over then resumes. */
  #seen = false;
  #closed = false;

  constructor(
    options: PodStreamClusterOptions,
    channel: string,
    plan: PodLogPlan,
    deps: PodStreamDeps,
    forget: () => void,
  ) {
    this.#options = options;
    this.#channel = channel;
    this.#plan = plan;
    this.#deps = deps;
    this.#forget = forget;
    this.#rounds = new Rounds({
      ...options,
      signal: this.#stop.signal,
      round: () => this.#round(),
      what: 'a shared pod stream',
    });
    void this.#start();
  }

  get over(): boolean {
    return this.#closed;
  }

  get owning(): boolean {
    return this.#upstream !== undefined;
  }

  update(plan: PodLogPlan): void {
    this.#plan = plan;
    this.#upstream?.update(plan);
  }

  add(viewer: PodStreamViewer): void {
    this.#viewers.add(viewer);
  }

  leave(viewer: PodStreamViewer): Promise<void> {
    this.#viewers.delete(viewer);
    if (this.#viewers.size > 0) return Promise.resolve();
    return this.#rounds.queue();
  }

  /** A message on the stream's channel: from the owner, unless this replica reads the stream itself. */
  receive(text: string): void {
    const message = JSON.parse(text) as PodStreamMessage;
    if (message.from === this.#options.holder || this.#upstream) return;
    if (message.kind === 'failed') {
      const error = new PodLogError(message.message, message.status);
      for (const viewer of this.#viewers) viewer.failed(error, this.#plan);
      return;
    }
    const line = parseLogLine(message.text);
    if (!line || !this.#resume.accept(line)) return;
    this.#seen = true;
    for (const viewer of this.#viewers) viewer.line(line);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#stop.abort();
    const { redis } = this.#options;
    const gone = Promise.all([redis.subscriber.unsubscribe(this.#channel), this.#present(0)]).catch(() => undefined);
    this.#forget();
    await this.#disown();
    await gone;
  }

  async #start(): Promise<void> {
    try {
      // Subscribed before counted: an owner that sees this replica's follow has it listening already.
      await this.#options.redis.subscriber.subscribe(this.#channel);
      await this.#present(this.#viewers.size);
    } catch (err) {
      // Redis is away: this process reads the stream for its own follows, as without replicas.
      this.#options.log.warn({ err }, 'Redis is unreachable: this pod stream is shared in-process only');
      this.#read();
      return;
    }
    await this.#rounds.queue();
    this.#rounds.start();
  }

  async #round(): Promise<void> {
    if (this.#closed) return;
    let others: number | undefined;
    try {
      others = await this.#present(this.#viewers.size);
    } catch (err) {
      this.#options.log.warn({ err }, 'could not count the follows of a shared pod stream in Redis');
    }
    if (this.#upstream) {
      if (this.#lease && !(await this.#lease.renew())) {
        this.#options.log.warn({ pod: this.#plan.pod }, 'lost the lease of a pod stream to a replica');
        await this.#disown();
      } else if (this.#viewers.size === 0 && (others ?? 0) === 0) await this.#disown();
    } else if (this.#viewers.size > 0 && others === undefined) {
      // Redis is away, so the owner's lines cannot reach this replica: its follows read the pod from here.
      this.#options.log.warn({ pod: this.#plan.pod }, 'Redis is unreachable: reading this pod stream here');
      this.#read();
    } else if (this.#viewers.size > 0) {
      const lease = await HeldLease.acquire(this.#options, this.#channel);
      if (lease) {
        this.#lease = lease;
        this.#read();
      }
    }
    if (!this.#upstream && this.#viewers.size === 0) await this.close();
  }

  /** Opens the pod's stream here, reading on after the last line this replica saw. */
  #read(): void {
    const resumed = this.#seen;
    this.#seen = true;
    const stream = new PodStream(this.#plan, { ...this.#deps, resume: this.#resume }, () => {
      if (this.#upstream === stream) void this.#rounds.queue();
    });
    stream.add(this.#relay);
    this.#upstream = stream;
    // Lines the old owner sent may come again from here on: each follow skips those it has.
    if (resumed) for (const viewer of this.#viewers) viewer.resumed?.();
  }

  /** Closes the stream read here, if any, and gives its lease up for another replica to take at once. */
  async #disown(): Promise<void> {
    const upstream = this.#upstream;
    const lease = this.#lease;
    this.#upstream = undefined;
    this.#lease = undefined;
    await upstream?.leave(this.#relay);
    await lease?.release();
  }

  #present(count: number): Promise<number> {
    const { redis, holder, leaseMs } = this.#options;
    return presence(redis, this.#channel, holder, count, leaseMs);
  }

  #publish(message: PodStreamMessage): void {
    if (!this.#lease) return;
    this.#options.redis.client.publish(this.#channel, JSON.stringify(message)).catch((err: unknown) => {
      this.#options.log.warn({ err }, 'could not publish pod log lines to the other replicas');
    });
  }

  /** The one viewer of the stream read here: this replica's follows, and the others' through Redis. */
  readonly #relay: PodStreamViewer = {
    line: (line) => {
      for (const viewer of this.#viewers) viewer.line(line);
      this.#publish({ kind: 'line', text: `${line.raw} ${line.text}`, from: this.#options.holder });
    },
    failed: (error, plan) => {
      const message = error instanceof Error ? error.message : String(error);
      this.#publish({ kind: 'failed', message, status: statusOf(error), from: this.#options.holder });
      for (const viewer of this.#viewers) viewer.failed(error, plan);
    },
  };
}
